/**
 * Accuracy against instructions on a virtual board, each variant of the project a point and an
 * arrow from the variant it was derived from (an import → its pruned child → that child's int8
 * variants…), so what each step of a pipeline cost and saved reads off the plot. Hovering or
 * focusing a point shows its figures (accuracy and where it was measured, instructions, arena,
 * stack, flash, parameters, MACs). Variants without an accuracy or a deploy on the board are
 * listed under the plot with what they lack (`lineage-model.ts`).
 */

import { useState } from 'react';
import type { ModelVariant } from '../../../shared/services/types.js';
import { GridAxes } from '../charts/grid-axes.js';
import { compactNumber, linearScale, niceTicks } from '../charts/scale.js';
import { useWidth } from '../charts/use-width.js';
import { EmptyState, Panel } from '../components/widgets.js';
import { formatBytes, formatCount, formatPercent, formatPrecision } from '../format.js';
import type { ComparisonRow } from '../../../shared/services/types.js';
import { accuracyAxis, instructionAxis, lineageChart, placeLabels, type LineagePoint } from './lineage-model.js';
import '../charts/charts.css';
import './lineage.css';

const height = 300;
const left = 52;
const right = 16;
const top = 14;
const bottom = 36;

/** The figures of a point, one line each (the hover card and the SVG title). */
export function pointFigures(point: LineagePoint, parentName: string | undefined, precision: string): string[] {
  const { row } = point;
  const accuracy = row.accuracy;
  return [
    `${point.name} (${precision})${parentName ? `, from ${parentName}` : ''}`,
    `accuracy ${formatPercent(point.accuracy)}${accuracy?.samples ? ` on ${formatCount(accuracy.samples)} samples` : ''}${accuracy?.datasetName ? ` of ${accuracy.datasetName}` : ''}`,
    `${formatCount(point.instructions)} instructions${row.latency?.runs ? ` (median of ${row.latency.runs} run${row.latency.runs === 1 ? '' : 's'})` : ''} on ${row.board?.id ?? '?'}`,
    [row.arenaBytes !== undefined && `arena ${formatBytes(row.arenaBytes)}`, row.stackBytes !== undefined && `stack ${formatBytes(row.stackBytes)}`, row.flash && `flash ${formatBytes(row.flash.total)}`].filter(Boolean).join(' · '),
    `${formatCount(row.parameters)} parameters · ${formatCount(row.macs)} MACs`,
  ].filter((line) => line !== '');
}

export function LineagePanel({ rows, variants }: { rows: readonly ComparisonRow[]; variants: readonly ModelVariant[] }) {
  const [boardChoice, setBoardChoice] = useState<string>();
  const chart = lineageChart(rows, boardChoice);
  return (
    <Panel
      title="Accuracy against instructions, by lineage"
      testId="lineage-panel"
      actions={
        chart.boards.length > 1 ? (
          <label className="field field--inline">
            <span className="field__label">on</span>
            <select className="select" value={chart.board} onChange={(event) => setBoardChoice(event.target.value)} data-testid="lineage-board">
              {chart.boards.map((board) => (
                <option key={board} value={board}>
                  {board}
                </option>
              ))}
            </select>
          </label>
        ) : undefined
      }
    >
      {chart.points.length === 0 ? (
        <EmptyState title="No variant to plot yet">A point needs an accuracy (Evaluate, or Optimize with a dataset) and a deploy of the same variant on a virtual board.</EmptyState>
      ) : (
        <LineagePlot chart={chart} variants={variants} />
      )}
      {chart.unplotted.length > 0 && (
        <div className="lineage-unplotted" data-testid="lineage-unplotted">
          <span className="field__label">Not plotted</span>
          <ul>
            {chart.unplotted.map((entry) => (
              <li key={entry.variantId} data-testid="lineage-unplotted-item" data-variant={entry.name}>
                <span className="mono">{entry.name}</span>: {entry.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}

function LineagePlot({ chart, variants }: { chart: ReturnType<typeof lineageChart>; variants: readonly ModelVariant[] }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hovered, setHovered] = useState<string>();
  const { points, edges } = chart;
  const byId = new Map(points.map((point) => [point.variantId, point]));
  const xAxis = instructionAxis(
    points.map((point) => point.instructions),
    (max) => niceTicks(max, 5),
  );
  const xTicks = xAxis.ticks;
  const yAxis = accuracyAxis(points.map((point) => point.accuracy));
  const yTicks = yAxis.ticks;
  const xScale = xAxis.log ? linearScale(Math.log10(xAxis.min), Math.log10(xAxis.max), left, width - right) : linearScale(0, xAxis.max, left, width - right);
  const x = (value: number) => xScale(xAxis.log ? Math.log10(value) : value);
  const y = linearScale(yAxis.min, yAxis.max, height - bottom, top);
  const nameOf = (id: string | null) => (id ? variants.find((variant) => variant.id === id)?.name : undefined);
  const precisionOf = (point: LineagePoint) => {
    const variant = variants.find((entry) => entry.id === point.variantId);
    return variant ? formatPrecision(variant.summary) : point.row.dtype;
  };
  const shown = hovered ? byId.get(hovered) : undefined;
  const middle = (left + width - right) / 2;
  // Labels of the most accurate points first; one that would cover another is left to hovering.
  const labels = placeLabels(
    [...points].sort((a, b) => b.accuracy - a.accuracy).map((point) => ({ key: point.variantId, x: x(point.instructions), y: y(point.accuracy), text: point.name, toLeft: x(point.instructions) > middle })),
    (text) => text.length * 6.7,
  );

  return (
    <figure className="chart lineage" data-testid="lineage-plot" data-points={points.length} data-edges={edges.length}>
      <div ref={ref} className="chart__canvas lineage__canvas">
        <svg width={width} height={height} role="img" aria-label={`Accuracy against instructions on ${chart.board}: ${points.length} variants, ${edges.length} derived from another plotted one`}>
          <defs>
            <marker id="lineage-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="lineage__arrowhead" />
            </marker>
          </defs>
          <GridAxes
            frame={{ width, height, left, right, top, bottom }}
            xTicks={xTicks}
            yTicks={yTicks}
            x={x}
            y={y}
            xText={compactNumber}
            yText={(tick) => formatPercent(tick, yTicks.length > 1 && yTicks[1] - yTicks[0] < 0.01 ? 1 : 0)}
          />
          <text className="chart__tick" x={middle} y={height - 4} textAnchor="middle">
            instructions per inference on {chart.board}
            {xAxis.log ? ' (log scale)' : ''} → fewer is faster
          </text>
          {edges.map((edge) => {
            const [from, to] = [byId.get(edge.from)!, byId.get(edge.to)!];
            const [x1, y1, x2, y2] = [x(from.instructions), y(from.accuracy), x(to.instructions), y(to.accuracy)];
            const length = Math.hypot(x2 - x1, y2 - y1);
            // Stop the arrow at the child's circle (radius 5 and a gap).
            const cut = length > 9 ? (length - 8) / length : 0;
            return (
              <line
                key={`${edge.from}>${edge.to}`}
                className={`lineage__edge${edge.generations > 1 ? ' lineage__edge--skip' : ''}`}
                data-testid="lineage-edge"
                data-from={from.name}
                data-to={to.name}
                x1={x1}
                y1={y1}
                x2={x1 + (x2 - x1) * cut}
                y2={y1 + (y2 - y1) * cut}
                markerEnd="url(#lineage-arrow)"
              >
                <title>{`${from.name} → ${to.name}${edge.generations > 1 ? ` (${edge.generations - 1} variant(s) in between not plotted)` : ''}`}</title>
              </line>
            );
          })}
          {points.map((point) => {
            const [cx, cy] = [x(point.instructions), y(point.accuracy)];
            const root = !edges.some((edge) => edge.to === point.variantId);
            return (
              <g
                key={point.variantId}
                className={`lineage__point${root ? ' lineage__point--root' : ''}${hovered === point.variantId ? ' is-hovered' : ''}`}
                data-testid="lineage-point"
                data-variant={point.name}
                tabIndex={0}
                onMouseEnter={() => setHovered(point.variantId)}
                onMouseLeave={() => setHovered(undefined)}
                onFocus={() => setHovered(point.variantId)}
                onBlur={() => setHovered(undefined)}
              >
                <title>{pointFigures(point, nameOf(point.row.parentId), precisionOf(point)).join('\n')}</title>
                <circle cx={cx} cy={cy} r={5} />
                {labels.get(point.variantId) !== undefined && (
                  <text className="chart__label" x={cx > middle ? cx - 9 : cx + 9} y={cy + labels.get(point.variantId)!} textAnchor={cx > middle ? 'end' : 'start'}>
                    {point.name}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
        {shown && (
          <div
            className={`lineage__card${y(shown.accuracy) > (top + height - bottom) / 2 ? ' lineage__card--above' : ''}`}
            data-testid="lineage-card"
            style={{
              ...(x(shown.instructions) > middle ? { right: width - x(shown.instructions) + 12 } : { left: x(shown.instructions) + 12 }),
              ...(y(shown.accuracy) > (top + height - bottom) / 2 ? { top: y(shown.accuracy) - 8 } : { top: y(shown.accuracy) + 8 }),
            }}
          >
            {pointFigures(shown, nameOf(shown.row.parentId), precisionOf(shown)).map((line, i) => (
              <div key={i} className={i === 0 ? 'lineage__card-title' : undefined}>
                {line}
              </div>
            ))}
          </div>
        )}
      </div>
      <figcaption className="chart__caption">
        Top-1 accuracy (host, newest evaluation) against instructions retired per inference (newest deploy). Arrows run from a variant to those derived from it; dashed ones skip variants that are not plotted. Hover or focus a point for
        its figures.
      </figcaption>
    </figure>
  );
}
