/**
 * Layout of the model graph view: ops as boxes in ranks from top to bottom, following the data.
 * Pure (no DOM), so it is tested in Node and the SVG component only draws what it returns.
 *
 * Each op's rank is one more than the deepest op producing one of its inputs, so a plain chain
 * stays one column and branches (residual blocks, LSTM gates) sit side by side. Tensors that no
 * op produces are the graph's inputs (or variable state) and get a node above their first
 * consumer; tensors no op consumes are outputs and get a node below their producer. Within a
 * rank, nodes keep op order and are centred on the widest rank.
 */

import type { LayerRow } from '../../../shared/services/types.js';

export interface LayoutNode {
  /** `op:<index>`, `in:<tensor>` or `out:<tensor>`. */
  key: string;
  kind: 'op' | 'input' | 'output';
  /** The op's index (op nodes only). */
  index?: number;
  label: string;
  /** Output shape and dtype of the op, or the tensor's, as drawn under the label. */
  detail: string;
  rank: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutEdge {
  from: string;
  to: string;
  tensor: number;
  /** Cubic path from the bottom of `from` to the top of `to`. */
  path: string;
}

export interface GraphLayout {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  nodeWidth: number;
  opHeight: number;
  tensorHeight: number;
  rankGap: number;
  columnGap: number;
  margin: number;
}

export const defaultLayoutOptions: LayoutOptions = {
  nodeWidth: 188,
  opHeight: 40,
  tensorHeight: 26,
  rankGap: 26,
  columnGap: 16,
  margin: 12,
};

const tensorText = (tensor: { shape: number[]; dtype: string }) => `${tensor.shape.length === 0 ? 'scalar' : tensor.shape.join('×')} ${tensor.dtype}`;

/** Lays out the layers of a model (see the module comment). */
export function layoutGraph(layers: readonly LayerRow[], options: LayoutOptions = defaultLayoutOptions): GraphLayout {
  const producer = new Map<number, number>();
  for (const layer of layers) for (const output of layer.outputs) producer.set(output.tensor, layer.index);
  const consumed = new Set<number>();
  for (const layer of layers) for (const input of layer.inputs) consumed.add(input.tensor);

  const nodes: LayoutNode[] = [];
  const byKey = new Map<string, LayoutNode>();
  const add = (node: Omit<LayoutNode, 'x' | 'y' | 'width' | 'height'>) => {
    const full: LayoutNode = { ...node, x: 0, y: 0, width: options.nodeWidth, height: node.kind === 'op' ? options.opHeight : options.tensorHeight };
    nodes.push(full);
    byKey.set(full.key, full);
    return full;
  };
  const edges: Omit<LayoutEdge, 'path'>[] = [];

  // Ops come topologically sorted (TFLite requires it), so one pass assigns ranks.
  const opRank = new Map<number, number>();
  const inputNodes: LayoutNode[] = [];
  for (const layer of layers) {
    let rank = 1;
    for (const input of layer.inputs) {
      const from = producer.get(input.tensor);
      if (from !== undefined && from < layer.index) rank = Math.max(rank, opRank.get(from)! + 1);
    }
    opRank.set(layer.index, rank);
    for (const input of layer.inputs) {
      const from = producer.get(input.tensor);
      if (from !== undefined && from < layer.index) {
        edges.push({ from: `op:${from}`, to: `op:${layer.index}`, tensor: input.tensor });
        continue;
      }
      const key = `in:${input.tensor}`;
      // A graph input feeding several ops is drawn once, above the first of them.
      const node = byKey.get(key) ?? add({ key, kind: 'input', label: 'input', detail: tensorText(input), rank: rank - 1 });
      if (!inputNodes.includes(node)) inputNodes.push(node);
      edges.push({ from: key, to: `op:${layer.index}`, tensor: input.tensor });
    }
    const first = layer.outputs[0];
    add({ key: `op:${layer.index}`, kind: 'op', index: layer.index, label: `${layer.index} ${layer.op}`, detail: first ? tensorText(first) : '', rank });
  }
  for (const layer of layers) {
    for (const output of layer.outputs) {
      if (consumed.has(output.tensor)) continue;
      const key = `out:${output.tensor}`;
      add({ key, kind: 'output', label: 'output', detail: tensorText(output), rank: opRank.get(layer.index)! + 1 });
      edges.push({ from: `op:${layer.index}`, to: key, tensor: output.tensor });
    }
  }

  // Place ranks top to bottom, each centred on the widest.
  const ranks = new Map<number, LayoutNode[]>();
  for (const node of nodes) {
    const row = ranks.get(node.rank) ?? [];
    row.push(node);
    ranks.set(node.rank, row);
  }
  const order = (node: LayoutNode) => (node.kind === 'input' ? -1 : node.kind === 'op' ? node.index! : 1e9);
  const rankNumbers = [...ranks.keys()].sort((a, b) => a - b);
  const rowWidth = (row: LayoutNode[]) => row.length * options.nodeWidth + (row.length - 1) * options.columnGap;
  const contentWidth = Math.max(options.nodeWidth, ...[...ranks.values()].map(rowWidth));
  let y = options.margin;
  for (const rank of rankNumbers) {
    const row = ranks.get(rank)!.sort((a, b) => order(a) - order(b));
    let x = options.margin + (contentWidth - rowWidth(row)) / 2;
    const height = Math.max(...row.map((node) => node.height));
    for (const node of row) {
      node.x = x;
      node.y = y + (height - node.height) / 2;
      x += options.nodeWidth + options.columnGap;
    }
    y += height + options.rankGap;
  }

  // An edge that skips ranks (a residual connection) would run through the boxes between its
  // ends: it leaves its source, runs down a lane right of those boxes, and comes back in to its
  // target. Lanes of edges whose rank spans overlap are set apart.
  const lanes: { fromRank: number; toRank: number }[] = [];
  let right = options.margin + contentWidth;
  const laidEdges = edges.map((edge): LayoutEdge => {
    const from = byKey.get(edge.from)!;
    const to = byKey.get(edge.to)!;
    const x1 = from.x + from.width / 2;
    const y1 = from.y + from.height;
    const x2 = to.x + to.width / 2;
    const y2 = to.y;
    const low = Math.min(x1, x2) - 4;
    const high = Math.max(x1, x2) + 4;
    const between = nodes.filter((node) => node.rank > from.rank && node.rank < to.rank);
    if (!between.some((node) => node.x < high && node.x + node.width > low)) {
      const bend = Math.max(12, (y2 - y1) / 2);
      return { ...edge, path: `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}` };
    }
    const lane = lanes.filter((other) => other.fromRank < to.rank && from.rank < other.toRank).length;
    lanes.push({ fromRank: from.rank, toRank: to.rank });
    const laneX = Math.max(...between.map((node) => node.x + node.width)) + options.columnGap / 2 + 8 + lane * 10;
    right = Math.max(right, laneX);
    const gap = options.rankGap / 2;
    return {
      ...edge,
      path: `M${x1},${y1} C${x1},${y1 + gap} ${laneX},${y1 + gap} ${laneX},${y1 + 2 * gap} L${laneX},${y2 - 2 * gap} C${laneX},${y2 - gap} ${x2},${y2 - gap} ${x2},${y2}`,
    };
  });

  return { nodes, edges: laidEdges, width: right + options.margin, height: y - options.rankGap + options.margin };
}
