/**
 * The model as a graph, in the manner of Netron: one box per op with its attributes, weights and
 * output shape, edges labelled with the tensor's shape and dtype, the graph's inputs and outputs
 * as pills and variable state (LSTM) as dashed state pills; laid out by ELK (graph-layout.ts).
 * A search box finds ops by index, type or tensor name; the selected op's attributes, tensors,
 * quantization parameters and weight statistics show in the details pane (graph-details.tsx).
 * Boxes are buttons: click or Enter selects the op, which the layer table highlights too.
 */

import { useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { LayerRow } from '../../../shared/services/types.js';
import { useQuery, useServices } from '../state/services-context.js';
import { GraphDetails } from './graph-details.js';
import { layoutGraph, opsFromLayers, opsFromModel, searchOps, type GraphLayout, type LayoutEdge } from './graph-layout.js';
import './graph-view.css';

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

/** An orthogonal route with its corners rounded. */
function edgePath(points: LayoutEdge['points']): string {
  if (points.length === 0) return '';
  let path = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const corner = points[i];
    const next = points[i + 1];
    if (!next) {
      path += ` L${corner.x},${corner.y}`;
      break;
    }
    const previous = points[i - 1];
    const r = Math.min(6, Math.hypot(corner.x - previous.x, corner.y - previous.y) / 2, Math.hypot(next.x - corner.x, next.y - corner.y) / 2);
    const before = { x: corner.x - Math.sign(corner.x - previous.x) * r, y: corner.y - Math.sign(corner.y - previous.y) * r };
    const after = { x: corner.x + Math.sign(next.x - corner.x) * r, y: corner.y + Math.sign(next.y - corner.y) * r };
    path += ` L${before.x},${before.y} Q${corner.x},${corner.y} ${after.x},${after.y}`;
  }
  return path;
}

export function GraphView({ variantId, layers, selected, onSelect }: { variantId?: string; layers: readonly LayerRow[]; selected: number | undefined; onSelect: (index: number) => void }) {
  const services = useServices();
  // The full graph (attributes, weights) from the graph service; the layer rows until it comes, or if it cannot.
  const model = useQuery(variantId ? `graph:${variantId}` : null, () => services.graphs.get({ variantId: variantId! }));
  const ops = useMemo(() => (model.data ? opsFromModel(model.data) : opsFromLayers(layers)), [model.data, layers]);
  const [layout, setLayout] = useState<GraphLayout>();
  const [layoutError, setLayoutError] = useState<string>();
  const [query, setQuery] = useState('');
  const matches = useMemo(() => searchOps(ops, query), [ops, query]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const canvas = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    layoutGraph(ops).then(
      (laid) => current && (setLayout(laid), setLayoutError(undefined)),
      (error: unknown) => current && setLayoutError(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [ops]);

  // The selected op scrolls into view (selection from the table, the search, or a click).
  useEffect(() => {
    if (selected === undefined) return;
    canvas.current?.querySelector(`[data-op-index="${selected}"]`)?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [selected, layout]);

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' || matches.length === 0) return;
    event.preventDefault();
    // Enter walks through the matches (Shift+Enter backwards).
    const position = selected === undefined ? -1 : matches.indexOf(selected);
    const next = event.shiftKey ? (position <= 0 ? matches.length - 1 : position - 1) : (position + 1) % matches.length;
    onSelect(matches[next]);
  };

  const selectedOp = ops.find((op) => op.index === selected);
  return (
    <div className="graph-view">
      <div className="graph-view__toolbar">
        <input
          className="input graph-view__search"
          type="search"
          placeholder="Find op or tensor…"
          aria-label="Find an op by index, type or tensor name"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onSearchKey}
          data-testid="graph-search"
        />
        {query.trim() && (
          <span className="muted graph-view__count" data-testid="graph-search-count" role="status">
            {matches.length} match{matches.length === 1 ? '' : 'es'}
            {matches.length > 0 && ' (Enter: next)'}
          </span>
        )}
        {model.error && <span className="muted graph-view__count" title={model.error.message}>layers only</span>}
      </div>
      <div className="graph-view__canvas" ref={canvas}>
        {layoutError && <p className="muted">The graph could not be laid out: {layoutError}</p>}
        {!layout && !layoutError && <div aria-busy="true" className="graph-view__busy" />}
        {layout && (
          <svg className="graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="group" aria-label={`Model graph: ${ops.length} ops`} data-testid="graph-view">
            <defs>
              <marker id="graph-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                <path d="M0,0 L8,4 L0,8 z" className="graph__arrow" />
              </marker>
            </defs>
            <g>
              {layout.edges.map((edge) => (
                <g key={edge.key} data-testid="graph-edge" data-from={edge.from} data-to={edge.to}>
                  <path d={edgePath(edge.points)} className={`graph__edge${edge.state ? ' graph__edge--state' : ''}`} markerEnd="url(#graph-arrow)" />
                  {edge.label && (
                    <text className="graph__edge-label" x={edge.label.x + 3} y={edge.label.y + edge.label.height - 2} data-testid="graph-edge-label">
                      {edge.label.text}
                    </text>
                  )}
                </g>
              ))}
            </g>
            {layout.nodes.map((node) => {
              if (node.kind !== 'op') {
                return (
                  <g key={node.key} className={`graph__tensor graph__tensor--${node.kind}`} transform={`translate(${node.x},${node.y})`} data-testid={`graph-${node.kind}`}>
                    <rect width={node.width} height={node.height} rx={node.height / 2} />
                    <text x={node.width / 2} y={12} textAnchor="middle">
                      <tspan className="graph__tensor-label">{truncate(node.lines[0], 30)}</tspan>
                    </text>
                    <text x={node.width / 2} y={25} textAnchor="middle">
                      {node.lines[1]}
                    </text>
                  </g>
                );
              }
              const index = node.index!;
              const op = ops.find((entry) => entry.index === index)?.op ?? '';
              const isSelected = selected === index;
              const isMatch = matchSet.has(index);
              return (
                <g
                  key={node.key}
                  className={`graph__op graph__op--${opCategory(op)}${isSelected ? ' is-selected' : ''}${isMatch ? ' is-match' : ''}`}
                  transform={`translate(${node.x},${node.y})`}
                  role="button"
                  tabIndex={0}
                  aria-pressed={isSelected}
                  aria-label={`op ${node.lines.join(', ')}`}
                  data-testid="graph-op"
                  data-op-index={index}
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
                    <tspan className="graph__op-index">{index}</tspan> {truncate(op, 24)}
                  </text>
                  {node.lines.slice(1).map((line, i) => (
                    <text key={i} className={line.startsWith('→') ? 'graph__op-shape' : 'graph__op-attr'} x={12} y={30 + i * 14}>
                      {truncate(line, 30)}
                    </text>
                  ))}
                </g>
              );
            })}
          </svg>
        )}
      </div>
      {selectedOp && <GraphDetails op={selectedOp} model={model.data} />}
    </div>
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
