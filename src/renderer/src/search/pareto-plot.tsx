/**
 * The Pareto plot of a search: one point per measured trial, held-out accuracy (up) against the
 * latency the board measured (right), coloured by RAM (arena + stack, light: little, dark: much),
 * the front ringed and joined by a staircase, over-budget trials hollow. A point is a button:
 * clicking it (or Enter on it) selects its trial.
 */

import type { KeyboardEvent } from 'react';
import { GridAxes } from '../charts/grid-axes.js';
import { compactNumber, linearScale, niceTicks } from '../charts/scale.js';
import { useWidth } from '../charts/use-width.js';
import { formatBytes, formatCount, formatPercent } from '../format.js';
import { frontStaircase, ramColour, type ParetoPoint } from './search-view.js';
import '../charts/charts.css';

const height = 300;
const margin = { left: 52, right: 16, top: 12, bottom: 40 };

export function ParetoPlot({ points, unit, selected, onSelect }: { points: readonly ParetoPoint[]; unit: string; selected: number | undefined; onSelect: (index: number) => void }) {
  const [ref, measuredWidth] = useWidth<HTMLDivElement>(640);
  const width = Math.max(320, measuredWidth);
  const maxLatency = Math.max(1, ...points.map((point) => point.latency));
  const xTicks = niceTicks(maxLatency, 5);
  const x = linearScale(0, xTicks[xTicks.length - 1], margin.left, width - margin.right);
  const yTicks = [0, 0.25, 0.5, 0.75, 1];
  const y = linearScale(0, 1, height - margin.bottom, margin.top);
  const rams = points.map((point) => point.ramBytes);
  const [minRam, maxRam] = [Math.min(...rams), Math.max(...rams)];
  const staircase = frontStaircase(points);
  const front = points.filter((point) => point.front);
  const key = (event: KeyboardEvent, index: number) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onSelect(index);
  };

  return (
    <figure className="chart pareto-plot" data-testid="pareto-plot" data-points={points.length} data-front={front.length}>
      <div ref={ref} className="chart__canvas">
        <svg width={width} height={height} role="group" aria-label={`Accuracy against latency (${unit}) of ${points.length} measured trials, ${front.length} on the Pareto front; colour: RAM`}>
          <GridAxes frame={{ width, height, ...margin }} xTicks={xTicks} yTicks={yTicks} x={x} y={y} xText={compactNumber} yText={(tick) => formatPercent(tick, 0)} />
          <text className="chart__tick" x={(margin.left + width - margin.right) / 2} y={height - 6} textAnchor="middle">
            latency ({unit}) →
          </text>
          <text className="chart__tick" transform={`translate(12 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)`} textAnchor="middle">
            held-out accuracy →
          </text>
          {staircase.length > 1 && (
            <polyline className="pareto-plot__front" points={staircase.map((step) => `${x(step.latency)},${y(step.accuracy)}`).join(' ')} data-testid="pareto-front-line" />
          )}
          {points.map((point) => {
            const label = `trial ${point.index}${point.front ? ' (on the front)' : ''}${point.status === 'over-budget' ? ' (over budget)' : ''}: accuracy ${formatPercent(point.accuracy, 2)}, ${formatCount(point.latency)} ${unit}, RAM ${formatBytes(point.ramBytes)}, flash ${formatBytes(point.flashBytes)}`;
            return (
              <g
                key={point.index}
                className={`pareto-plot__point${point.front ? ' pareto-plot__point--front' : ''}${selected === point.index ? ' pareto-plot__point--selected' : ''}`}
                role="button"
                tabIndex={0}
                aria-label={label}
                aria-pressed={selected === point.index}
                data-testid="pareto-point"
                data-index={point.index}
                data-front={point.front ? 'true' : 'false'}
                onClick={() => onSelect(point.index)}
                onKeyDown={(event) => key(event, point.index)}
              >
                <title>{label}</title>
                {point.front && <circle cx={x(point.latency)} cy={y(point.accuracy)} r={10} className="pareto-plot__ring" />}
                <circle
                  cx={x(point.latency)}
                  cy={y(point.accuracy)}
                  r={6}
                  fill={point.status === 'over-budget' ? 'none' : ramColour(point.ramBytes, minRam, maxRam)}
                  stroke={ramColour(point.ramBytes, minRam, maxRam)}
                  strokeWidth={2}
                />
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="pareto-plot__legend">
        <span>
          RAM (arena + stack):{' '}
          <span className="pareto-plot__swatch" style={{ background: ramColour(minRam, minRam, maxRam) }} /> {points.length ? formatBytes(minRam) : '–'} …{' '}
          <span className="pareto-plot__swatch" style={{ background: ramColour(maxRam, minRam, maxRam) }} /> {points.length ? formatBytes(maxRam) : '–'}
        </span>
        <span>ringed: the Pareto front (accuracy, latency, RAM, flash) · hollow: over budget · click a point to use it</span>
      </figcaption>
    </figure>
  );
}
