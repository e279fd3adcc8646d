import { analyzeModel } from '../../core/common/analysis/model-analysis.js';
import type { IoTensorSummary, ModelAnalysis, TensorSummary } from '../../core/common/analysis/model-analysis.js';
import { formatShape } from '../../core/common/ir/tensor.js';
import { printableJson, printableName } from '../../core/common/printable.js';
import { DEFAULT_MAX_TENSOR_BYTES } from '../../core/common/importers/index.js';
import { loadModelFile } from '../../core/node/model-file.js';
import { inputLayoutOption, inputLayoutOptionSpec } from '../model-options.js';
import { booleanOption, integerOption } from '../args.js';
import type { Command } from '../command.js';
import { formatCount, formatTable } from '../format.js';

/** A graph input or output in `inspect --json`. */
export interface InspectTensorJson {
  name: string;
  shape: number[];
  dtype: string;
  scale: number[];
  zeroPoint: number[];
}

export interface InspectLayerJson {
  index: number;
  op: string;
  customCode?: string;
  macs: number;
  params: number;
  weightBytes: number;
  activationBytes: number;
  liveBytes: number;
  inputs: { tensor: number; shape: number[]; dtype: string }[];
  weights: { tensor: number; shape: number[]; dtype: string }[];
  outputs: { tensor: number; shape: number[]; dtype: string }[];
  supported: boolean;
}

/**
 * The `inspect --json` document. Users' CI parses it: the top-level keys, the totals keys and
 * the tensor keys are a contract (add fields to layers if needed, never rename or remove).
 */
export interface InspectJson {
  format: string;
  inputs: InspectTensorJson[];
  outputs: InspectTensorJson[];
  totals: { macs: number; params: number; weightBytes: number; peakActivationBytes: number };
  layers: InspectLayerJson[];
}

const ioJson = (tensor: IoTensorSummary): InspectTensorJson => ({
  name: tensor.name,
  shape: tensor.shape,
  dtype: tensor.dtype,
  scale: tensor.scale,
  zeroPoint: tensor.zeroPoint,
});

const layerTensorJson = (tensor: TensorSummary) => ({ tensor: tensor.id, shape: tensor.shape, dtype: tensor.dtype });

export function inspectJson(analysis: ModelAnalysis): InspectJson {
  const { totals } = analysis;
  return {
    format: analysis.format,
    inputs: analysis.inputs.map(ioJson),
    outputs: analysis.outputs.map(ioJson),
    totals: {
      macs: totals.macs,
      params: totals.params,
      weightBytes: totals.weightBytes,
      peakActivationBytes: totals.peakActivationBytes,
    },
    layers: analysis.layers.map((layer) => ({
      index: layer.index,
      op: layer.op,
      ...(layer.customCode ? { customCode: layer.customCode } : {}),
      macs: layer.macs,
      params: layer.params,
      weightBytes: layer.weightBytes,
      activationBytes: layer.activationBytes,
      liveBytes: layer.liveBytes,
      inputs: layer.inputs.map(layerTensorJson),
      weights: layer.weights.map(layerTensorJson),
      outputs: layer.outputs.map(layerTensorJson),
      supported: layer.supported,
    })),
  };
}

const tensorText = (tensor: TensorSummary) => `${tensor.dtype} ${formatShape(tensor.shape)}`;

function quantizationText(tensor: IoTensorSummary): string {
  if (tensor.scale.length === 0) return 'not quantized';
  if (tensor.scale.length > 1) return `quantized per channel (${tensor.scale.length} scales)`;
  return `scale ${tensor.scale[0]}, zero point ${tensor.zeroPoint[0] ?? 0}`;
}

/**
 * The human-readable report: model I/O, one row per op, totals, unsupported ops. Names and custom
 * codes come from the model file and are printed through `printableName` (no control characters
 * reach the terminal); `--json` keeps them exact, as `printableJson` escapes.
 */
export function inspectText(path: string, analysis: ModelAnalysis): string {
  const { totals, layers } = analysis;
  const lines: string[] = [`${printableName(path)}: ${analysis.format}, ${layers.length} ops`];
  for (const [role, tensors] of [
    ['input', analysis.inputs],
    ['output', analysis.outputs],
  ] as const) {
    for (const tensor of tensors) lines.push(`${role.padEnd(6)}  ${printableName(tensor.name)}  ${tensorText(tensor)}  ${quantizationText(tensor)}`);
  }
  lines.push('');
  const rows = layers.map((layer) => [
    String(layer.index),
    printableName(layer.customCode ? `CUSTOM:${layer.customCode}` : layer.op) + (layer.supported ? '' : ' *'),
    layer.inputs.map(tensorText).join(' + ') || '-',
    layer.outputs.map(tensorText).join(' + '),
    formatCount(layer.params),
    formatCount(layer.weightBytes),
    formatCount(layer.macs),
    formatCount(layer.activationBytes),
    formatCount(layer.liveBytes),
  ]);
  const peakIndex = layers.findIndex((layer) => layer.liveBytes === totals.peakActivationBytes);
  rows.push(['', 'total', '', '', formatCount(totals.params), formatCount(totals.weightBytes), formatCount(totals.macs), '', formatCount(totals.peakActivationBytes)]);
  lines.push(
    formatTable(
      [
        { header: '#', align: 'right' },
        { header: 'op' },
        { header: 'input' },
        { header: 'output' },
        { header: 'params', align: 'right' },
        { header: 'weight B', align: 'right' },
        { header: 'MACs', align: 'right' },
        { header: 'activation B', align: 'right' },
        { header: 'live B', align: 'right' },
      ],
      rows,
    ).trimEnd(),
  );
  lines.push('');
  lines.push(
    `params ${formatCount(totals.params)}, weights ${formatCount(totals.weightBytes)} bytes, ` +
      `${formatCount(totals.macs)} MACs, activations without reuse ${formatCount(totals.peakActivationBytes)} bytes` +
      (peakIndex >= 0
        ? ` (no-reuse bound: all activations of op ${peakIndex}'s live set, each in a buffer of its own, no sharing, no alignment or scratch; build and deploy report the planner's arena, which shares buffers)`
        : ''),
  );
  lines.push(
    analysis.unsupported.length === 0
      ? 'all ops run on the host interpreter'
      : `* not supported by the host interpreter: ${analysis.unsupported.map((entry) => `${printableName(entry.type)} (op ${entry.indices.join(', ')})`).join('; ')}`,
  );
  lines.push(
    'weight B: bytes of constant inputs; activation B: bytes of non-constant inputs and outputs; ' +
      'live B: bytes of all tensors live during the op (simple liveness, no reuse)',
  );
  return lines.join('\n') + '\n';
}

export const inspectCommand: Command = {
  spec: {
    name: 'inspect',
    summary: 'Show a model\'s inputs, outputs and per-layer parameters, weight bytes, MACs and activation memory.',
    positionals: [{ name: 'model', description: 'model file (.tflite)' }],
    options: {
      'input-layout': inputLayoutOptionSpec,
      json: { type: 'boolean', description: 'print one JSON document (format, inputs, outputs, totals, layers) instead of the table' },
      'max-tensor-bytes': {
        type: 'integer',
        value: 'n',
        description: `refuse a model declaring a tensor larger than n bytes (default ${DEFAULT_MAX_TENSOR_BYTES}, 256 MiB: more than a microcontroller could hold)`,
      },
    },
    notes:
      'live B: bytes of every activation live while the op runs, each in a buffer of its own; the largest is the no-reuse bound (no sharing, no alignment or scratch).\n' +
      "build's arena is the planner's (buffers shared, aligned, op scratch included): usually below the bound; the deploy memory timeline's highest point (bytes in use at one op) is at most the arena.",
  },
  async run(args, io) {
    const path = args.positionals.model;
    const analysis = analyzeModel(await loadModelFile(path, undefined, { maxTensorBytes: integerOption(args, 'max-tensor-bytes'), ...inputLayoutOption(args) }));
    io.stdout.write(booleanOption(args, 'json') ? printableJson(inspectJson(analysis)) + '\n' : inspectText(path, analysis));
    return 0;
  },
};
