/**
 * Layout of the model graph view, by ELK's layered algorithm (elkjs, the Eclipse Layout Kernel:
 * Sugiyama-style layers, crossing minimisation, orthogonal edge routing): ops as boxes from top
 * to bottom along the data, branches (ResNet's residual adds) side by side, the graph's inputs
 * above and outputs below as pills, an op's variable state (LSTM hidden and cell state) as
 * dashed "state" pills beside it, not as extra inputs. Each edge carries its tensor's shape and
 * dtype as a label that ELK places. Pure (no DOM): tested in Node; graph-view.tsx draws it.
 *
 * The graph comes from the graph service (attributes, weights) or, when only the layer table is
 * known, from the layer rows (activations only).
 */

import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { GraphNode, LayerRow, ModelGraph } from '../../../shared/services/types.js';

export interface TensorRef {
  tensor: number;
  name: string;
  shape: number[];
  dtype: string;
  kind: 'activation' | 'variable' | 'constant';
}

/** One op of the graph to draw. */
export interface GraphOp {
  index: number;
  op: string;
  /** Activations and variable state it reads. */
  inputs: TensorRef[];
  /** Weights, biases and other constants it reads. */
  constants: TensorRef[];
  outputs: TensorRef[];
  attrs: GraphNode['attrs'];
}

export interface LayoutNode {
  /** `op:<index>`, `in:<tensor>`, `out:<tensor>` or `state:<tensor>`. */
  key: string;
  kind: 'op' | 'input' | 'output' | 'state';
  /** The op's index (op nodes only). */
  index?: number;
  /** Lines of text: the op ("3 CONV_2D"), its attributes, its weights; for a tensor pill its label and shape. */
  lines: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutEdge {
  key: string;
  from: string;
  to: string;
  tensor: number;
  /** The route: start, bends, end. */
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number; height: number };
  /** Variable state read by the op (drawn dashed). */
  state: boolean;
}

export interface GraphLayout {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

export const nodeWidth = 196;
const lineHeight = 14;
const pillHeight = 30;
const labelCharWidth = 6.2;

export const tensorText = (tensor: { shape: readonly number[]; dtype: string }) => `${tensor.shape.length === 0 ? 'scalar' : tensor.shape.join('×')} ${tensor.dtype}`;

/** The ops of a graph from the graph service. */
export function opsFromModel(model: ModelGraph): GraphOp[] {
  const ref = (id: number): TensorRef => {
    const tensor = model.tensors[id];
    return { tensor: id, name: tensor.name, shape: tensor.shape, dtype: tensor.dtype, kind: tensor.kind };
  };
  return model.nodes.map((node) => {
    const read = node.inputs.filter((id) => id >= 0).map(ref);
    return {
      index: node.index,
      op: node.op,
      inputs: read.filter((tensor) => tensor.kind !== 'constant'),
      constants: read.filter((tensor) => tensor.kind === 'constant'),
      outputs: node.outputs.filter((id) => id >= 0).map(ref),
      attrs: node.attrs,
    };
  });
}

/** The ops from the layer table only (no attributes or weights; every input an activation). */
export function opsFromLayers(layers: readonly LayerRow[]): GraphOp[] {
  const ref = (tensor: LayerRow['inputs'][number]): TensorRef => ({ tensor: tensor.tensor, name: `tensor ${tensor.tensor}`, shape: tensor.shape, dtype: tensor.dtype, kind: 'activation' });
  return layers.map((layer) => ({ index: layer.index, op: layer.op, inputs: layer.inputs.map(ref), constants: [], outputs: layer.outputs.map(ref), attrs: {} }));
}

/** The attributes worth a line in the box: window, strides, padding, activation, …; the rest are in the side panel. */
export function attributeLine(op: GraphOp): string | undefined {
  const a = op.attrs;
  const parts: string[] = [];
  const weights = op.constants[0];
  if (/CONV_2D/.test(op.op) && weights && weights.shape.length === 4) parts.push(`${weights.shape[1]}×${weights.shape[2]}`);
  if (typeof a.filterH === 'number' && typeof a.filterW === 'number') parts.push(`${a.filterH}×${a.filterW}`);
  if (typeof a.strideH === 'number' && typeof a.strideW === 'number' && (a.strideH !== 1 || a.strideW !== 1)) parts.push(`/${a.strideH === a.strideW ? a.strideH : `${a.strideH},${a.strideW}`}`);
  if (typeof a.dilationH === 'number' && (a.dilationH !== 1 || a.dilationW !== 1)) parts.push(`dil ${a.dilationH}`);
  if (typeof a.padding === 'string') parts.push(a.padding);
  if (typeof a.depthMultiplier === 'number' && a.depthMultiplier !== 1) parts.push(`×${a.depthMultiplier}`);
  if (typeof a.axis === 'number') parts.push(`axis ${a.axis}`);
  if (typeof a.beta === 'number' && a.beta !== 1) parts.push(`β ${a.beta}`);
  if (typeof a.activation === 'string' && a.activation !== 'none') parts.push(a.activation);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** "W 16×3×3×3 · B 16": the constants an op reads, by shape. */
export function constantsLine(op: GraphOp): string | undefined {
  if (op.constants.length === 0) return undefined;
  const names = ['W', 'B'];
  return op.constants
    .slice(0, 3)
    .map((tensor, i) => `${/CONV|FULLY_CONNECTED|LSTM/.test(op.op) ? (names[i] ?? 'C') : 'C'} ${tensor.shape.join('×') || 'scalar'}`)
    .join(' · ')
    .concat(op.constants.length > 3 ? ` +${op.constants.length - 3}` : '');
}

/** The boxes, pills and edges before layout (sizes known, positions not). */
export function graphElements(ops: readonly GraphOp[]): { nodes: LayoutNode[]; edges: Omit<LayoutEdge, 'points' | 'label'>[] } {
  const producer = new Map<number, number>();
  for (const op of ops) for (const output of op.outputs) producer.set(output.tensor, op.index);
  const consumed = new Set<number>();
  for (const op of ops) for (const input of op.inputs) consumed.add(input.tensor);
  const nodes: LayoutNode[] = [];
  const keys = new Set<string>();
  const edges: Omit<LayoutEdge, 'points' | 'label'>[] = [];
  const pill = (key: string, kind: LayoutNode['kind'], tensor: TensorRef) => {
    if (keys.has(key)) return;
    keys.add(key);
    nodes.push({ key, kind, lines: [kind === 'state' ? `state ${tensor.name}` : `${kind} ${tensor.name}`, tensorText(tensor)], x: 0, y: 0, width: nodeWidth, height: pillHeight });
  };
  for (const op of ops) {
    const lines = [`${op.index} ${op.op}`, attributeLine(op), constantsLine(op), op.outputs[0] ? `→ ${tensorText(op.outputs[0])}` : undefined].filter((line): line is string => line !== undefined);
    for (const input of op.inputs) {
      const from = producer.get(input.tensor);
      if (from !== undefined && from < op.index) {
        edges.push({ key: `e${edges.length}`, from: `op:${from}`, to: `op:${op.index}`, tensor: input.tensor, state: false });
      } else if (input.kind === 'variable') {
        // Variable state: kept between invocations by the op itself, drawn beside it, not as a model input.
        pill(`state:${input.tensor}`, 'state', input);
        edges.push({ key: `e${edges.length}`, from: `state:${input.tensor}`, to: `op:${op.index}`, tensor: input.tensor, state: true });
      } else {
        pill(`in:${input.tensor}`, 'input', input);
        edges.push({ key: `e${edges.length}`, from: `in:${input.tensor}`, to: `op:${op.index}`, tensor: input.tensor, state: false });
      }
    }
    keys.add(`op:${op.index}`);
    nodes.push({ key: `op:${op.index}`, kind: 'op', index: op.index, lines, x: 0, y: 0, width: nodeWidth, height: 10 + lines.length * lineHeight });
  }
  for (const op of ops) {
    for (const output of op.outputs) {
      if (consumed.has(output.tensor)) continue;
      pill(`out:${output.tensor}`, 'output', output);
      edges.push({ key: `e${edges.length}`, from: `op:${op.index}`, to: `out:${output.tensor}`, tensor: output.tensor, state: false });
    }
  }
  return { nodes, edges };
}

const layoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeLabel': '2',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.edgeLabels.inline': 'false',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
};

let elk: InstanceType<typeof ELK> | undefined;

/** Lays out the graph of `ops` (see the module comment); edge labels are the tensors' shape and dtype. */
export async function layoutGraph(ops: readonly GraphOp[]): Promise<GraphLayout> {
  const { nodes, edges } = graphElements(ops);
  const tensorOf = new Map<number, TensorRef>();
  for (const op of ops) for (const tensor of [...op.inputs, ...op.outputs]) tensorOf.set(tensor.tensor, tensor);
  const labelText = (tensor: number) => {
    const ref = tensorOf.get(tensor);
    return ref ? tensorText(ref) : '';
  };
  const graph: ElkNode = {
    id: 'root',
    layoutOptions,
    children: nodes.map((node) => ({ id: node.key, width: node.width, height: node.height })),
    edges: edges.map(
      (edge): ElkExtendedEdge => ({
        id: edge.key,
        sources: [edge.from],
        targets: [edge.to],
        // Edges into an output pill repeat the pill's own text: no label there.
        labels: edge.to.startsWith('out:') || edge.state ? [] : [{ text: labelText(edge.tensor), width: labelText(edge.tensor).length * labelCharWidth + 6, height: 12 }],
      }),
    ),
  };
  elk ??= new ELK();
  const laid = await elk.layout(graph);
  const position = new Map((laid.children ?? []).map((child) => [child.id, child]));
  for (const node of nodes) {
    const placed = position.get(node.key)!;
    node.x = placed.x ?? 0;
    node.y = placed.y ?? 0;
  }
  const laidEdges = new Map((laid.edges ?? []).map((edge) => [edge.id, edge]));
  const result: LayoutEdge[] = edges.map((edge) => {
    const placed = laidEdges.get(edge.key);
    const section = placed?.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({ x, y })) : [];
    const label = placed?.labels?.[0];
    return {
      ...edge,
      points,
      ...(label && label.text ? { label: { text: label.text, x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 } } : {}),
    };
  });
  return { nodes, edges: result, width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0) };
}

/** Ops whose index, type or tensor names contain `query` (case-insensitive), in op order. */
export function searchOps(ops: readonly GraphOp[], query: string): number[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  return ops
    .filter((op) => String(op.index) === needle || op.op.toLowerCase().includes(needle) || [...op.inputs, ...op.constants, ...op.outputs].some((tensor) => tensor.name.toLowerCase().includes(needle)))
    .map((op) => op.index);
}
