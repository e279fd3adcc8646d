/**
 * Accuracy against a cost (latency, RAM or flash) for each variant on each board, with the
 * Pareto front: the points no other point beats on both, joined as a staircase and drawn
 * filled. The baseline's point is ringed.
 */

import { formatBytes, formatCount, formatPercent } from '../format.js';
import { GridAxes } from '../charts/grid-axes.js';
import { compactNumber, linearScale, niceTicks } from '../charts/scale.js';
import { useWidth } from '../charts/use-width.js';
import { paretoFront, type ScatterPoint } from './compare-model.js';
import '../charts/charts.css';

const height = 260;
const left = 52;
const right = 16;
const top = 14;
const bottom = 36;

function costText(value: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(value);
  if (unit === 'ms') return `${value.toPrecision(3)} ms`;
  return `${formatCount(value)} ${unit}`;
}

export function ScatterPlot({ points, unit, axisLabel, baselineVariantId }: { points: readonly ScatterPoint[]; unit: string; axisLabel: string; baselineVariantId?: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const front = paretoFront(points);
  const onFront = new Set(front.map((point) => point.key));
  const maxCost = Math.max(0, ...points.map((point) => point.cost));
  const xTicks = niceTicks(maxCost, 5);
  const minAccuracy = Math.min(1, ...points.map((point) => point.accuracy));
  // Accuracy from a round floor under the lowest point up to 100%.
  const floor = Math.max(0, Math.floor((minAccuracy - 0.02) * 20) / 20);
  const yTicks = Array.from({ length: 6 }, (_, i) => floor + ((1 - floor) * i) / 5);
  const x = linearScale(0, xTicks[xTicks.length - 1], left, width - right);
  const y = linearScale(floor, 1, top + (height - top - bottom), top);
  const tickText = unit === 'bytes' ? (value: number) => formatBytes(value).replace('.00', '') : compactNumber;

  let staircase = '';
  front.forEach((point, i) => {
    staircase += i === 0 ? `M${x(point.cost)},${y(point.accuracy)}` : ` H${x(point.cost)} V${y(point.accuracy)}`;
  });

  return (
    <figure className="chart" data-testid="scatter-plot">
      <div ref={ref} className="chart__canvas">
        <svg width={width} height={height} role="img" aria-label={`Accuracy against ${axisLabel}: ${points.length} points, ${front.length} on the Pareto front (${front.map((point) => point.label).join(', ')})`}>
          <GridAxes frame={{ width, height, left, right, top, bottom }} xTicks={xTicks} yTicks={yTicks} x={x} y={y} xText={tickText} yText={(tick) => formatPercent(tick, 0)} />
          <text className="chart__tick" x={(left + width - right) / 2} y={height - 4} textAnchor="middle">
            {axisLabel} ({unit}) → lower is better
          </text>
          {front.length > 1 && <path className="scatter__front" d={staircase} data-testid="pareto-front" />}
          {points.map((point) => {
            const isFront = onFront.has(point.key);
            const isBaseline = point.row.variantId === baselineVariantId;
            return (
              <g key={point.key} className={`scatter__point${isFront ? ' is-front' : ''}`} data-testid="scatter-point" data-front={isFront ? 'true' : 'false'}>
                <title>{`${point.label}: ${formatPercent(point.accuracy)} accuracy, ${costText(point.cost, unit)}${isFront ? ' — on the Pareto front' : ''}${isBaseline ? ' (baseline)' : ''}`}</title>
                {isBaseline && <circle className="scatter__baseline" cx={x(point.cost)} cy={y(point.accuracy)} r={9} />}
                <circle cx={x(point.cost)} cy={y(point.accuracy)} r={5} />
                {/* Labels of points in the right half run leftwards, so they stay inside the plot. */}
                <text className="chart__label" x={x(point.cost) > (left + width - right) / 2 ? x(point.cost) - 9 : x(point.cost) + 9} y={y(point.accuracy) - 7} textAnchor={x(point.cost) > (left + width - right) / 2 ? 'end' : 'start'}>
                  {point.label}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="chart__caption">
        Accuracy (top-1, host) against {axisLabel}; filled points and the line are the Pareto front (nothing is both {axisLabel === 'latency' ? 'faster' : 'smaller'} and more accurate).
      </figcaption>
    </figure>
  );
}
