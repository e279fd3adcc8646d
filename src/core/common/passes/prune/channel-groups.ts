/**
 * Which channels of a graph can be removed together. A *group* is a set of output channels (units)
 * that must go as one: the output channels of a CONV_2D, the units of a FULLY_CONNECTED, the hidden
 * units of an LSTM or a GRU (TD_GRU), merged when an ADD/SUB/MUL adds two of them channel by channel (residual
 * connections). Every activation tensor gets a *feature map*: for each element of its last axis,
 * the unit it carries, or none (graph inputs, data no group produced). The map follows the data:
 *
 * - depthwise convolutions, pools, activations, PAD and MEAN that leave the last axis alone copy
 *   it (a depthwise channel follows its input channel: its filter and bias are sliced with it;
 *   with a depth multiplier M each input unit owns M output channels);
 * - CONCATENATION on the last axis concatenates the maps, on another axis merges them;
 * - a RESHAPE that flattens trailing dimensions repeats the map (an FC after a flatten loses the
 *   columns of every position of a removed channel), one that keeps the last axis copies it;
 * - CONV_2D, FULLY_CONNECTED, LSTM and GRU read a map (their input columns go with it) and start a new
 *   group for their output.
 *
 * A group cannot be pruned when it reaches a graph output, a SOFTMAX, an op the analysis does not
 * know, a reshape or reduction that mixes the channel axis, or an element-wise op whose other side
 * does not carry the same units; the group records why.
 */

import type { Graph, Op, OpOf } from '../../ir/types.js';
import { lstmGateInputs, lstmInputIndex } from '../../ops/lstm-layout.js';
import { gruGateNames, gruInputIndex, gruOpType } from '../../ops/gru-layout.js';

export type ProducerKind = 'conv' | 'fc' | 'lstm' | 'gru';

export interface ChannelGroup {
  /** Canonical id (the group's index in `groups`). */
  id: number;
  /** Number of units. */
  size: number;
  /** Ops whose output channels are the group's units. */
  producers: { op: number; kind: ProducerKind }[];
  /** Why the group cannot be pruned; absent when it can. */
  blocked?: string;
}

export interface ChannelAnalysis {
  /** The canonical groups (merged groups appear once). */
  groups: ChannelGroup[];
  /** Feature map per tensor id (activations only): canonical unit per last-axis element, -1 for none. */
  maps: Map<number, Int32Array>;
  /** Unit id → [canonical group id, index in group]. */
  unit(id: number): [number, number];
}

/** Union–find over groups, with the unit numbering each group started with. */
class Groups {
  readonly parent: number[] = [];
  readonly size: number[] = [];
  readonly base: number[] = [];
  readonly producers: { op: number; kind: ProducerKind }[][] = [];
  readonly blocked: (string | undefined)[] = [];
  readonly unitGroup: number[] = [];
  readonly unitIndex: number[] = [];

  add(size: number, op: number, kind: ProducerKind): Int32Array {
    const id = this.parent.length;
    this.parent.push(id);
    this.size.push(size);
    this.base.push(this.unitGroup.length);
    this.producers.push([{ op, kind }]);
    this.blocked.push(undefined);
    const map = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      map[i] = this.unitGroup.length;
      this.unitGroup.push(id);
      this.unitIndex.push(i);
    }
    return map;
  }

  find(group: number): number {
    while (this.parent[group] !== group) {
      this.parent[group] = this.parent[this.parent[group]];
      group = this.parent[group];
    }
    return group;
  }

  block(group: number, reason: string): void {
    const root = this.find(group);
    this.blocked[root] ??= reason;
  }

  blockMap(map: Int32Array | undefined, reason: string): void {
    if (!map) return;
    for (const unit of map) if (unit >= 0) this.block(this.unitGroup[unit], reason);
  }

  /** Merges the groups of two maps read element by element; blocks them when they do not line up. */
  unify(a: Int32Array, b: Int32Array, reason: string): void {
    if (a.length !== b.length) {
      this.blockMap(a, reason);
      this.blockMap(b, reason);
      return;
    }
    for (let k = 0; k < a.length; k++) {
      const [ua, ub] = [a[k], b[k]];
      if (ua === ub) continue;
      if (ua < 0 || ub < 0) {
        this.blockMap(a, reason);
        this.blockMap(b, reason);
        return;
      }
      const [ga, gb] = [this.find(this.unitGroup[ua]), this.find(this.unitGroup[ub])];
      if (this.unitIndex[ua] !== this.unitIndex[ub] || this.size[ga] !== this.size[gb]) {
        this.blockMap(a, reason);
        this.blockMap(b, reason);
        return;
      }
      if (ga !== gb) {
        this.parent[gb] = ga;
        this.producers[ga].push(...this.producers[gb]);
        this.blocked[ga] ??= this.blocked[gb];
      }
    }
  }
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/**
 * A map for reading `shape` as rows of `depth` features (an FC input, a flattening reshape): the
 * map itself when the last axis is `depth`, repeated when `depth` covers several trailing axes,
 * undefined when the channel axis is mixed otherwise.
 */
function flattened(shape: readonly number[], map: Int32Array, depth: number): Int32Array | undefined {
  const last = shape.at(-1) ?? 1;
  if (last === depth) return map;
  for (let axis = shape.length - 2; axis >= 0; axis--) {
    const covered = product(shape.slice(axis));
    if (covered === depth) {
      const result = new Int32Array(depth);
      for (let k = 0; k < depth; k++) result[k] = map[k % last];
      return result;
    }
    if (covered > depth) break;
  }
  return undefined;
}

/** Analyses `graph` (see the module comment). */
export function analyzeChannels(graph: Graph): ChannelAnalysis {
  const groups = new Groups();
  const maps = new Map<number, Int32Array>();
  const isConstant = (id: number) => id >= 0 && graph.tensors[id].data !== undefined && !graph.tensors[id].variable;
  const none = (id: number) => new Int32Array(graph.tensors[id].shape.at(-1) ?? 1).fill(-1);
  const mapOf = (id: number): Int32Array => maps.get(id) ?? none(id);
  for (const id of graph.inputs) maps.set(id, none(id));

  graph.ops.forEach((op, index) => {
    const label = `op ${index} (${op.type})`;
    const input = op.inputs[0] !== undefined && op.inputs[0] >= 0 ? mapOf(op.inputs[0]) : undefined;
    const output = op.outputs[0];
    const setOutput = (map: Int32Array) => maps.set(output, map);
    switch (op.type) {
      case 'CONV_2D':
        setOutput(groups.add(graph.tensors[op.inputs[1]].shape[0], index, 'conv'));
        return;
      case 'FULLY_CONNECTED': {
        const [units, depth] = graph.tensors[op.inputs[1]].shape;
        const shape = graph.tensors[op.inputs[0]].shape;
        if (!flattened(shape, input!, depth)) groups.blockMap(input, `${label} reads its input in a layout the channel analysis does not follow`);
        setOutput(groups.add(units, index, 'fc'));
        return;
      }
      case 'UNIDIRECTIONAL_SEQUENCE_LSTM': {
        const units = graph.tensors[op.inputs[lstmInputIndex.inputToForgetWeights]].shape[0];
        setOutput(groups.add(units, index, 'lstm'));
        return;
      }
      case gruOpType: {
        const units = graph.tensors[op.inputs[gruInputIndex.inputWeights.r]].shape[0];
        setOutput(groups.add(units, index, 'gru'));
        return;
      }
      case 'DEPTHWISE_CONV_2D': {
        const channels = graph.tensors[op.inputs[0]].shape.at(-1)!;
        const outChannels = graph.tensors[output].shape.at(-1)!;
        const multiplier = outChannels / channels;
        const map = new Int32Array(outChannels);
        for (let k = 0; k < outChannels; k++) map[k] = input![Math.floor(k / multiplier)];
        setOutput(map);
        return;
      }
      case 'AVERAGE_POOL_2D':
      case 'MAX_POOL_2D':
      case 'RELU':
      case 'RELU6':
      case 'LOGISTIC':
      case 'TANH':
      case 'QUANTIZE':
      case 'DEQUANTIZE':
        setOutput(input!);
        return;
      case 'PAD': {
        const paddings = graph.tensors[op.inputs[1]].data;
        const rank = graph.tensors[op.inputs[0]].shape.length;
        if (!paddings || Number(paddings[2 * rank - 2]) !== 0 || Number(paddings[2 * rank - 1]) !== 0) {
          groups.blockMap(input, `${label} pads the channel axis`);
          setOutput(none(output));
        } else setOutput(input!);
        return;
      }
      case 'MEAN': {
        const axes = graph.tensors[op.inputs[1]].data;
        const rank = graph.tensors[op.inputs[0]].shape.length;
        const reduced = axes ? Array.from(axes as ArrayLike<number | bigint>, (axis) => (Number(axis) + rank) % rank) : [rank - 1];
        if (reduced.includes(rank - 1)) {
          groups.blockMap(input, `${label} averages over the channel axis`);
          setOutput(none(output));
        } else setOutput(input!);
        return;
      }
      case 'RESHAPE': {
        const inShape = graph.tensors[op.inputs[0]].shape;
        const outShape = graph.tensors[output].shape;
        const last = outShape.at(-1) ?? 1;
        const map = last === inShape.at(-1) ? input! : flattened(inShape, input!, last);
        if (!map) {
          groups.blockMap(input, `${label} reshapes across the channel axis`);
          setOutput(none(output));
        } else setOutput(map);
        return;
      }
      case 'ADD':
      case 'SUB':
      case 'MUL': {
        const width = graph.tensors[output].shape.at(-1) ?? 1;
        const sides = op.inputs.filter((id) => !isConstant(id) && (graph.tensors[id].shape.at(-1) ?? 1) === width).map(mapOf);
        for (const id of op.inputs) {
          if (!isConstant(id) && (graph.tensors[id].shape.at(-1) ?? 1) !== width) groups.blockMap(mapOf(id), `${label} broadcasts along the channel axis`);
        }
        for (const side of sides.slice(1)) groups.unify(sides[0], side, `${label} combines channels that are not the same units`);
        setOutput(sides[0] ?? none(output));
        return;
      }
      case 'CONCATENATION': {
        const { axis } = (op as OpOf<'CONCATENATION'>).attrs;
        const rank = graph.tensors[output].shape.length;
        const parts = op.inputs.map(mapOf);
        if ((axis + rank) % rank === rank - 1) {
          const map = new Int32Array(parts.reduce((total, part) => total + part.length, 0));
          let offset = 0;
          for (const part of parts) {
            map.set(part, offset);
            offset += part.length;
          }
          setOutput(map);
        } else {
          for (const part of parts.slice(1)) groups.unify(parts[0], part, `${label} joins channels that are not the same units`);
          setOutput(parts[0]);
        }
        return;
      }
      default:
        for (const id of op.inputs) if (id >= 0 && !isConstant(id)) groups.blockMap(mapOf(id), `${label} needs all its input channels`);
        for (const id of op.outputs) maps.set(id, none(id));
    }
  });
  for (const id of graph.outputs) groups.blockMap(maps.get(id), 'it is a graph output');

  // Canonical numbering: one entry per root group, units renamed to (root, index).
  const roots = [...new Set(groups.parent.map((_, g) => groups.find(g)))].sort((a, b) => a - b);
  const rootIndex = new Map(roots.map((root, i) => [root, i]));
  const canonical: ChannelGroup[] = roots.map((root, i) => ({
    id: i,
    size: groups.size[root],
    producers: groups.producers[root],
    ...(groups.blocked[root] ? { blocked: groups.blocked[root] } : {}),
  }));
  const unitBase: number[] = [];
  let next = 0;
  for (const group of canonical) {
    unitBase.push(next);
    next += group.size;
  }
  const rename = (unit: number) => (unit < 0 ? -1 : unitBase[rootIndex.get(groups.find(groups.unitGroup[unit]))!] + groups.unitIndex[unit]);
  const renamed = new Map<number, Int32Array>();
  for (const [id, map] of maps) renamed.set(id, map.map(rename));
  const unitGroup: number[] = [];
  const unitIndex: number[] = [];
  canonical.forEach((group) => {
    for (let i = 0; i < group.size; i++) {
      unitGroup.push(group.id);
      unitIndex.push(i);
    }
  });
  return { groups: canonical, maps: renamed, unit: (id) => [unitGroup[id], unitIndex[id]] };
}

/** The ops an analysis refers to by kind, for importance scores: weight rows of unit `index` of a producer. */
export function producerWeightRows(graph: Graph, op: Op, kind: ProducerKind, index: number): Float32Array[] {
  const rows: Float32Array[] = [];
  const row = (id: number) => {
    const tensor = graph.tensors[id];
    const width = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
    const data = tensor.data!;
    const values = new Float32Array(width);
    const q = tensor.quantization;
    for (let k = 0; k < width; k++) {
      const raw = Number(data[index * width + k]);
      values[k] = data instanceof Float32Array || !q ? raw : (raw - (q.zeroPoint[q.scale.length > 1 ? index : 0] ?? 0)) * q.scale[q.scale.length > 1 ? index : 0];
    }
    return values;
  };
  if (kind === 'lstm') {
    for (const gate of Object.values(lstmGateInputs)) rows.push(row(op.inputs[gate.inputWeights]), row(op.inputs[gate.recurrentWeights]));
  } else if (kind === 'gru') {
    for (const gate of gruGateNames) rows.push(row(op.inputs[gruInputIndex.inputWeights[gate]]), row(op.inputs[gruInputIndex.recurrentWeights[gate]]));
  } else {
    rows.push(row(op.inputs[1]));
  }
  return rows;
}
