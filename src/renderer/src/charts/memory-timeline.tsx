/**
 * The arena over time: bytes of activations live while each op runs, as a step area from the
 * first op to the last, with the planned arena size as a dashed line. The highest point in use is marked; the
 * gap between the steps and the line is what the planner could not share.
 */

import type { Measurement } from '../../../shared/services/types.js';
import { formatBytes, formatCount } from '../format.js';
import { highestInUseMeaning, memoryLabels } from '../memory-words.js';
import { compactNumber, linearScale, niceTicks } from './scale.js';
import { useWidth } from './use-width.js';
import './charts.css';

type Point = NonNullable<Measurement['memoryTimeline']>[number];

const plotHeight = 150;
const left = 44;
const right = 12;
const top = 14;
const bottom = 22;

export function MemoryTimeline({ points, arenaBytes, ops }: { points: readonly Point[]; arenaBytes?: number; ops?: ReadonlyMap<number, string> }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const max = Math.max(arenaBytes ?? 0, ...points.map((point) => point.liveBytes));
  const ticks = niceTicks(max, 4);
  const count = points.length;
  const x = linearScale(0, Math.max(1, count), left, width - right);
  const y = linearScale(0, ticks[ticks.length - 1], top + plotHeight, top);
  const peak = points.reduce<Point | undefined>((best, point) => (!best || point.liveBytes > best.liveBytes ? point : best), undefined);

  // One step per op: flat across the op's slot, vertical at the boundaries.
  let area = `M${x(0)},${y(0)}`;
  points.forEach((point, slot) => {
    area += ` L${x(slot)},${y(point.liveBytes)} L${x(slot + 1)},${y(point.liveBytes)}`;
  });
  area += ` L${x(count)},${y(0)} Z`;
  const labelEvery = Math.max(1, Math.ceil(count / Math.max(1, Math.floor((width - left - right) / 26))));

  return (
    <figure className="chart" data-testid="memory-timeline">
      <div ref={ref} className="chart__canvas">
        <svg
          width={width}
          height={top + plotHeight + bottom}
          role="img"
          aria-label={
            `Arena bytes live per op over ${count} ops` +
            (peak ? `; ${memoryLabels.highestInUse}: ${formatCount(peak.liveBytes)} bytes at op ${peak.index}` : '') +
            (arenaBytes !== undefined ? `; arena ${formatCount(arenaBytes)} bytes` : '')
          }
        >
          {ticks.map((tick) => (
            <g key={tick}>
              <line className="chart__grid" x1={left} x2={width - right} y1={y(tick)} y2={y(tick)} />
              <text className="chart__tick" x={left - 6} y={y(tick) + 4} textAnchor="end">
                {compactNumber(tick)}
              </text>
            </g>
          ))}
          <path className="chart__area" d={area} />
          {arenaBytes !== undefined && (
            <g>
              <line className="chart__limit" x1={left} x2={width - right} y1={y(arenaBytes)} y2={y(arenaBytes)} />
              <text className="chart__limit-label" x={width - right - 2} y={y(arenaBytes) - 4} textAnchor="end">
                arena {formatBytes(arenaBytes)}
              </text>
            </g>
          )}
          {points.map((point, slot) => (
            <g key={point.index} className="chart__row">
              <title>{`op ${point.index}${ops?.get(point.index) ? ` ${ops.get(point.index)}` : ''}: ${formatCount(point.liveBytes)} bytes live`}</title>
              <rect className="chart__hover" x={x(slot)} y={top} width={Math.max(1, x(slot + 1) - x(slot))} height={plotHeight} />
              {slot % labelEvery === 0 && (
                <text className="chart__tick" x={(x(slot) + x(slot + 1)) / 2} y={top + plotHeight + 14} textAnchor="middle">
                  {point.index}
                </text>
              )}
            </g>
          ))}
          {peak && (
            <circle className="chart__peak" cx={(x(points.indexOf(peak)) + x(points.indexOf(peak) + 1)) / 2} cy={y(peak.liveBytes)} r={3}>
              <title>{`${memoryLabels.highestInUse}: ${formatCount(peak.liveBytes)} bytes at op ${peak.index}. ${highestInUseMeaning}`}</title>
            </circle>
          )}
        </svg>
      </div>
      <figcaption className="chart__caption">
        Bytes of the arena in use per op (x: op index, y: bytes)
        {peak ? `; ${memoryLabels.highestInUse}: ${formatBytes(peak.liveBytes)} at op ${peak.index}` : ''}
        {peak && arenaBytes !== undefined && arenaBytes > peak.liveBytes ? ` of the ${formatBytes(arenaBytes)} arena (the rest: gaps between buffers the planner could not fill)` : ''}
      </figcaption>
    </figure>
  );
}
