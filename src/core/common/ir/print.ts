import { fnv1a } from './checksum.js';
import { bytesOf, formatShape } from './tensor.js';
import type { Graph, Tensor } from './types.js';

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(7)));
}

function formatQuantization(tensor: Tensor): string {
  const q = tensor.quantization;
  if (!q) return '';
  if (q.scale.length === 1) return ` q(${formatNumber(q.scale[0])}, ${q.zeroPoint[0]})`;
  return ` q(axis ${q.axis}, ${q.scale.length} channels, scales ${fnv1a(new Uint8Array(new Float32Array(q.scale).buffer))})`;
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return formatShape(value as number[]);
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/**
 * The canonical text form of a graph: one line per tensor, then one per op (with its
 * intermediates when it has any), attributes in sorted order and constant data as a checksum.
 * Two graphs print the same exactly when they have the same structure, types, quantization and
 * constant bytes, so tests compare printouts instead of walking objects.
 */
export function printGraph(graph: Graph): string {
  const lines = [`graph ${graph.name}`, `  inputs ${graph.inputs.map((id) => `%${id}`).join(', ')}`, `  outputs ${graph.outputs.map((id) => `%${id}`).join(', ')}`];
  for (const tensor of graph.tensors) {
    const kind = tensor.data ? `const ${fnv1a(bytesOf(tensor.data))}` : tensor.variable ? 'variable' : 'activation';
    lines.push(`  %${tensor.id} ${tensor.dtype}${formatShape(tensor.shape)}${formatQuantization(tensor)} ${kind} "${tensor.name}"`);
  }
  graph.ops.forEach((op, index) => {
    const attrs = Object.entries(op.attrs as Record<string, unknown>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${formatValue(value)}`);
    if ('customCode' in op && op.customCode) attrs.unshift(`custom=${op.customCode}`);
    const inputs = op.inputs.map((id) => (id < 0 ? '_' : `%${id}`)).join(', ');
    const outputs = op.outputs.map((id) => `%${id}`).join(', ');
    const intermediates = op.intermediates?.length ? ` intermediates(${op.intermediates.map((id) => `%${id}`).join(', ')})` : '';
    lines.push(`  op ${index} ${op.type}(${inputs}) -> ${outputs}${intermediates}${attrs.length ? ` {${attrs.join(' ')}}` : ''}`);
  });
  return lines.join('\n') + '\n';
}
