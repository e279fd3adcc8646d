/**
 * One Deploy & Profile measurement: latency with its honest unit, the bit-exact badge, memory
 * figures, flash and RAM against the board's capacity, the per-layer latency chart and the
 * arena's timeline over the layers. Used by the Deploy tab (the last run) and History (any row).
 */

import type { BoardDescription, Measurement } from '../../../shared/services/types.js';
import { CapacityMeter } from '../charts/capacity-meter.js';
import type { CapacityPart } from '../charts/capacity-meter.js';
import { LatencyChart } from '../charts/latency-chart.js';
import { MemoryTimeline } from '../charts/memory-timeline.js';
import { BitExactBadge, Figure } from '../components/widgets.js';
import { formatBytes, formatCount, formatMilliseconds, formatTime } from '../format.js';
import './deploy.css';

export function ResultView({ measurement, board, variantName }: { measurement: Measurement; board?: BoardDescription; variantName?: string }) {
  const { latency } = measurement;
  const ramParts: CapacityPart[] = [];
  if (measurement.arenaBytes !== undefined) ramParts.push({ label: 'arena', bytes: measurement.arenaBytes });
  if (measurement.stackBytes !== undefined) ramParts.push({ label: 'stack', bytes: measurement.stackBytes });
  const partsTotal = ramParts.reduce((sum, part) => sum + part.bytes, 0);
  const ramUsed = measurement.ramBytes ?? partsTotal;
  if (ramUsed > partsTotal) ramParts.push({ label: 'other', bytes: ramUsed - partsTotal });
  const ops = new Map((measurement.layers ?? []).map((layer) => [layer.index, layer.op]));

  return (
    <div className="result" data-testid="deploy-result">
      <div className="result__headline">
        {latency && (
          <div className="result__latency">
            <span className="result__latency-label">Latency{measurement.samples && measurement.samples > 1 ? ` (median of ${measurement.samples} runs)` : ''}</span>
            <span className="result__latency-value" data-testid="latency-value">
              {formatCount(latency.value)}
            </span>
            <span className="result__latency-unit" data-testid="latency-unit" title={latency.unit === 'instructions' ? 'QEMU with -icount: the timer counts executed instructions, not cycles or time' : undefined}>
              {latency.unit}
              {latency.unit === 'instructions' && ' (emulated)'}
            </span>
            {latency.milliseconds !== undefined && <span className="result__latency-time numeric">{formatMilliseconds(latency.milliseconds)}</span>}
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
      </div>

      <div className="figures">
        {measurement.instructionsPerMac !== undefined && measurement.instructionsPerMac !== null && latency && (
          <Figure label={`${latency.unit === 'cycles' ? 'Cycles' : 'Instructions'} per MAC`} value={measurement.instructionsPerMac.toFixed(2)} />
        )}
        {measurement.arenaBytes !== undefined && <Figure label="Arena" value={formatBytes(measurement.arenaBytes)} title={`${formatCount(measurement.arenaBytes)} bytes, planned at build time`} testId="figure-arena" />}
        {measurement.stackBytes !== undefined && <Figure label="Stack high-water" value={formatBytes(measurement.stackBytes)} title={`${formatCount(measurement.stackBytes)} bytes, measured by stack painting`} />}
        {measurement.flashBytes !== undefined && <Figure label="Flash" value={formatBytes(measurement.flashBytes)} title={`${formatCount(measurement.flashBytes)} bytes, from the ELF sections`} testId="figure-flash" />}
        {ramUsed > 0 && <Figure label="RAM" value={formatBytes(ramUsed)} title={`${formatCount(ramUsed)} bytes`} />}
      </div>

      <div className="result__capacity">
        {measurement.flashBytes !== undefined && <CapacityMeter label="Flash" used={measurement.flashBytes} capacity={measurement.boardFlashBytes ?? board?.flashBytes} testId="flash-meter" />}
        {ramUsed > 0 && <CapacityMeter label="RAM" used={ramUsed} capacity={measurement.boardRamBytes ?? board?.ramBytes} parts={ramParts} testId="ram-meter" />}
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
            <h3 className="result__chart-title">Arena memory over the layers</h3>
            <MemoryTimeline points={measurement.memoryTimeline} arenaBytes={measurement.arenaBytes} ops={ops} />
          </section>
        )}
      </div>
    </div>
  );
}
