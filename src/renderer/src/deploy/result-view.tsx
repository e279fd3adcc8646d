/**
 * One Deploy & Profile measurement: latency with its honest unit, the bit-exact badge, memory
 * figures, flash and RAM against the board's capacity, the per-layer latency chart and the
 * arena's timeline over the layers. Used by the Deploy tab (the last run) and History (any row).
 */

import type { BoardDescription, Measurement } from '../../../shared/services/types.js';
import { CapacityMeter } from '../charts/capacity-meter.js';
import { LatencyChart } from '../charts/latency-chart.js';
import { MemoryTimeline } from '../charts/memory-timeline.js';
import { BitExactBadge, Figure } from '../components/widgets.js';
import { ReportDownloads } from '../export/report-downloads.js';
import { formatBytes, formatClock, formatCount, formatMilliseconds, formatTime, latencyMeaning } from '../format.js';
import { memoryLabels, noReuseMeaning } from '../memory-words.js';
import { memoryBars, partMeanings } from './memory-bars.js';
import { optimizeChoice } from './optimize-words.js';
import './deploy.css';

/**
 * `noReuseBytes`: the variant's activation peak without buffer reuse (its import figure), the
 * bound the planner's arena is compared with.
 */
export function ResultView({ measurement, board, variantName, noReuseBytes }: { measurement: Measurement; board?: BoardDescription; variantName?: string; noReuseBytes?: number }) {
  const { latency } = measurement;
  const bars = memoryBars(measurement, board);
  const ramUsed = bars.find((bar) => bar.label === 'RAM')?.used ?? 0;
  const clock = measurement.estimate && measurement.estimate.board === measurement.boardId ? measurement.estimate.cpuHz : board?.cpuHz;
  const ops = new Map((measurement.layers ?? []).map((layer) => [layer.index, layer.op]));

  return (
    <div className="result" data-testid="deploy-result" data-measurement={measurement.id}>
      <div className="result__headline">
        {latency && (
          <div className="result__latency">
            <span className="result__latency-label">Latency{measurement.samples && measurement.samples > 1 ? ` (median of ${measurement.samples} runs)` : ''}</span>
            <span className="result__latency-value" data-testid="latency-value">
              {formatCount(latency.value)}
            </span>
            <span className="result__latency-unit" data-testid="latency-unit" title={latencyMeaning(latency.unit, { name: board?.name ?? measurement.boardId, ...(clock ? { cpuHz: clock } : {}) })}>
              {latency.unit}
              {latency.unit === 'instructions' && ' (emulated)'}
            </span>
            {latency.milliseconds !== undefined && <span className="result__latency-time numeric">{formatMilliseconds(latency.milliseconds)}</span>}
            <span className="result__latency-meaning muted" data-testid="latency-meaning">
              {latency.unit === 'instructions' ? 'executed instructions of one inference, counted by QEMU (not cycles or time)' : 'CPU cycles of one inference, measured on the board'}
              {clock ? `; ${board?.name ?? measurement.boardId} clock ${formatClock(clock)}` : ''}
            </span>
          </div>
        )}
        {measurement.estimate && (
          <span
            className="result__estimate muted numeric"
            data-testid="latency-estimate"
            title={`Estimated from the ${formatCount(measurement.estimate.instructions)} instructions by class; cycle table: ${measurement.estimate.source}`}
          >
            ≈ {formatCount(measurement.estimate.cycles)} cycles, ≈ {formatMilliseconds(measurement.estimate.ms)} on {measurement.estimate.board} (estimate; {measurement.estimate.core} at{' '}
            {measurement.estimate.cpuHz / 1e6} MHz)
          </span>
        )}
        <BitExactBadge bitExact={measurement.bitExact} passed={measurement.passed} />
        <span className="result__meta muted">
          {variantName ?? measurement.variantId} on {board?.name ?? measurement.boardId} · {formatTime(measurement.createdAt)}
        </span>
        <ReportDownloads measurementId={measurement.id} />
      </div>

      <div className="figures">
        {measurement.instructionsPerMac !== undefined && measurement.instructionsPerMac !== null && latency && (
          <Figure label={`${latency.unit === 'cycles' ? 'Cycles' : 'Instructions'} per MAC`} value={measurement.instructionsPerMac.toFixed(2)} />
        )}
        {measurement.arenaBytes !== undefined && (
          <Figure
            label={memoryLabels.arena}
            value={formatBytes(measurement.arenaBytes)}
            title={`${formatCount(measurement.arenaBytes)} bytes: ${partMeanings.arena}, each aligned, op scratch included${noReuseBytes ? `; the no-reuse bound (activations alone, no sharing) is ${formatCount(noReuseBytes)} bytes` : ''}`}
            testId="figure-arena"
          />
        )}
        {noReuseBytes !== undefined && (
          <Figure
            label={memoryLabels.noReuse}
            value={formatBytes(noReuseBytes)}
            title={noReuseMeaning}
            testId="figure-no-reuse"
          />
        )}
        {measurement.stackBytes !== undefined && (
          <Figure label="Stack (measured)" value={formatBytes(measurement.stackBytes)} title={`${formatCount(measurement.stackBytes)} bytes: ${partMeanings.measuredStack}`} testId="figure-stack" />
        )}
        {measurement.flashBytes !== undefined && <Figure label="Flash" value={formatBytes(measurement.flashBytes)} title={`${formatCount(measurement.flashBytes)} bytes, from the ELF`} testId="figure-flash" />}
        {measurement.optimizeFor && (
          <Figure
            label="Optimized for"
            value={optimizeChoice(measurement.optimizeFor).label}
            title={`Built optimizing for ${measurement.optimizeFor}: ${optimizeChoice(measurement.optimizeFor).meaning}`}
            testId="figure-optimize-for"
          />
        )}
        {ramUsed > 0 && <Figure label="RAM" value={formatBytes(ramUsed)} title={`${formatCount(ramUsed)} bytes = ${bars.find((bar) => bar.label === 'RAM')!.parts.map((part) => part.label).join(' + ')}`} testId="figure-ram" />}
      </div>

      <div className="result__capacity" data-testid="fit-check">
        {bars.map((bar) => (
          <CapacityMeter key={bar.label} label={bar.label} used={bar.used} capacity={bar.capacity} parts={bar.parts} testId={bar.label === 'Flash' ? 'flash-meter' : 'ram-meter'} />
        ))}
      </div>

      <div className="columns">
        {measurement.layers && measurement.layers.length > 0 && latency && (
          <section className="result__chart" aria-label="Latency per layer">
            <h3 className="result__chart-title">Latency per layer</h3>
            <LatencyChart layers={measurement.layers} unit={latency.unit} />
          </section>
        )}
        {measurement.memoryTimeline && measurement.memoryTimeline.length > 0 && (
          <section className="result__chart" aria-label="Memory timeline">
            <h3 className="result__chart-title" title={partMeanings.arena}>
              Arena bytes in use at each op
            </h3>
            <MemoryTimeline points={measurement.memoryTimeline} arenaBytes={measurement.arenaBytes} ops={ops} />
          </section>
        )}
      </div>
    </div>
  );
}
