/**
 * Per-layer latency as horizontal bars, one row per op in execution order: where the time goes.
 * Each row reads "index op", the bar, and the value with its share of the total; the unit is the
 * board's (instructions on virtual boards, cycles on real ones) and is written in the caption.
 */

import type { Measurement } from '../../../shared/services/types.js';
import { formatCount, formatPercent } from '../format.js';
import { compactNumber, linearScale, niceTicks } from './scale.js';
import { useWidth } from './use-width.js';
import './charts.css';

type LayerLatency = NonNullable<Measurement['layers']>[number];

const rowHeight = 18;
const labelWidth = 168;
const valueWidth = 128;
const axisHeight = 18;

export function LatencyChart({ layers, unit }: { layers: readonly LayerLatency[]; unit: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const total = layers.reduce((sum, layer) => sum + layer.latency, 0);
  const max = Math.max(0, ...layers.map((layer) => layer.latency));
  const ticks = niceTicks(max, 4);
  const barStart = labelWidth;
  const barEnd = Math.max(barStart + 60, width - valueWidth);
  const x = linearScale(0, ticks[ticks.length - 1], barStart, barEnd);
  const height = layers.length * rowHeight + axisHeight;
  const slowest = layers.reduce<LayerLatency | undefined>((best, layer) => (!best || layer.latency > best.latency ? layer : best), undefined);

  return (
    <figure className="chart" data-testid="latency-chart">
      <div ref={ref} className="chart__canvas">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label={`Latency per layer in ${unit}; total ${formatCount(total)}` + (slowest ? `; slowest op ${slowest.index} ${slowest.op} with ${formatCount(slowest.latency)}` : '')}
        >
          {ticks.map((tick) => (
            <g key={tick}>
              <line className="chart__grid" x1={x(tick)} x2={x(tick)} y1={0} y2={layers.length * rowHeight} />
              <text className="chart__tick" x={x(tick)} y={height - 4} textAnchor="middle">
                {compactNumber(tick)}
              </text>
            </g>
          ))}
          {layers.map((layer, row) => {
            const y = row * rowHeight;
            const share = total > 0 ? layer.latency / total : 0;
            return (
              <g key={layer.index} className="chart__row">
                <title>{`op ${layer.index} ${layer.op}: ${formatCount(layer.latency)} ${unit} (${formatPercent(share)}), ${formatCount(layer.macs)} MACs`}</title>
                <rect className="chart__hover" x={0} y={y} width={width} height={rowHeight} />
                <text className="chart__label" x={labelWidth - 8} y={y + 13} textAnchor="end">
                  <tspan className="chart__label-index">{layer.index}</tspan> {layer.op}
                </text>
                <rect className="chart__bar" x={barStart} y={y + 3} width={Math.max(1, x(layer.latency) - barStart)} height={rowHeight - 6} rx={1} />
                <text className="chart__value" x={width - 4} y={y + 13} textAnchor="end">
                  {formatCount(layer.latency)} <tspan className="chart__share">{formatPercent(share).padStart(6, ' ')}</tspan>
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="chart__caption">
        Latency per layer, {unit}
        {unit === 'instructions' && ' (QEMU counts executed instructions, not cycles)'}
      </figcaption>
    </figure>
  );
}
