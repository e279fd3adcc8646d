/**
 * The model as a graph: one box per op with its output shape, arrows along the data, graph
 * inputs and outputs as pills (layout in graph-layout.ts). Boxes are buttons: click or Enter
 * selects the op, which the layer table highlights too.
 */

import { useMemo } from 'react';
import type { LayerRow } from '../../../shared/services/types.js';
import { layoutGraph } from './graph-layout.js';

/** Colour family of an op type (what kind of work it does), for the box's stripe and fill. */
export function opCategory(op: string): 'conv' | 'dense' | 'pool' | 'recurrent' | 'elementwise' | 'shape' | 'output' | 'other' {
  if (/CONV/.test(op)) return 'conv';
  if (/FULLY_CONNECTED|BATCH_MATMUL/.test(op)) return 'dense';
  if (/POOL|MEAN|REDUCE/.test(op)) return 'pool';
  if (/LSTM|RNN|GRU/.test(op)) return 'recurrent';
  if (/SOFTMAX|LOGISTIC|ARG_MAX/.test(op)) return 'output';
  if (/RESHAPE|SQUEEZE|EXPAND_DIMS|TRANSPOSE|CONCAT|SPLIT|SLICE|PAD|GATHER|PACK|UNPACK|QUANTIZE|DEQUANTIZE/.test(op)) return 'shape';
  if (/ADD|MUL|SUB|RELU|TANH|HARD_SWISH|MAXIMUM|MINIMUM|DIV|SQUARED|RSQRT|LEAKY/.test(op)) return 'elementwise';
  return 'other';
}

export function GraphView({ layers, selected, onSelect }: { layers: readonly LayerRow[]; selected: number | undefined; onSelect: (index: number) => void }) {
  const layout = useMemo(() => layoutGraph(layers), [layers]);
  const opOf = useMemo(() => new Map(layers.map((layer) => [layer.index, layer.op])), [layers]);
  return (
    <svg
      className="graph"
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="group"
      aria-label={`Model graph: ${layers.length} ops`}
      data-testid="graph-view"
    >
      <defs>
        <marker id="graph-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" className="graph__arrow" />
        </marker>
      </defs>
      <g>
        {layout.edges.map((edge) => (
          <path key={`${edge.from}-${edge.to}-${edge.tensor}`} d={edge.path} className="graph__edge" markerEnd="url(#graph-arrow)" />
        ))}
      </g>
      {layout.nodes.map((node) => {
        if (node.kind !== 'op') {
          return (
            <g key={node.key} className={`graph__tensor graph__tensor--${node.kind}`} transform={`translate(${node.x},${node.y})`}>
              <rect width={node.width} height={node.height} rx={node.height / 2} />
              <text x={node.width / 2} y={node.height / 2 + 4} textAnchor="middle">
                <tspan className="graph__tensor-label">{node.label}</tspan> {node.detail}
              </text>
            </g>
          );
        }
        const index = node.index!;
        const op = opOf.get(index) ?? '';
        const isSelected = selected === index;
        return (
          <g
            key={node.key}
            className={`graph__op graph__op--${opCategory(op)}${isSelected ? ' is-selected' : ''}`}
            transform={`translate(${node.x},${node.y})`}
            role="button"
            tabIndex={0}
            aria-pressed={isSelected}
            aria-label={`op ${index} ${op}, output ${node.detail}`}
            data-testid="graph-op"
            onClick={() => onSelect(index)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                onSelect(index);
              }
            }}
          >
            <rect className="graph__box" width={node.width} height={node.height} rx={3} />
            <rect className="graph__stripe" width={4} height={node.height} rx={1} />
            <text className="graph__op-label" x={12} y={16}>
              <tspan className="graph__op-index">{index}</tspan> {op}
            </text>
            <text className="graph__op-shape" x={12} y={31}>
              {node.detail}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
