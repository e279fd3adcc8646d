/**
 * Used memory against the board's capacity (flash, RAM): a bar with the parts that make it up
 * (e.g. arena and stack in RAM), the figures in bytes and the share. A use above capacity turns
 * the bar red and says "does not fit" in words.
 */

import { formatBytes, formatCount, formatPercent } from '../format.js';
import './charts.css';

export interface CapacityPart {
  label: string;
  bytes: number;
  /** What the part holds (its tooltip). */
  meaning?: string;
}

export function CapacityMeter({ label, used, capacity, parts = [], testId }: { label: string; used: number; capacity: number | undefined; parts?: CapacityPart[]; testId?: string }) {
  const share = capacity ? used / capacity : undefined;
  const fits = share === undefined || share <= 1;
  const partTotal = parts.reduce((sum, part) => sum + part.bytes, 0);
  return (
    <div className={`capacity${fits ? '' : ' capacity--over'}`} data-testid={testId}>
      <div className="capacity__head">
        <span className="capacity__label">{label}</span>
        {!fits && <strong className="capacity__warning">does not fit</strong>}
        <span className="capacity__figures numeric" title={`${formatCount(used)} of ${capacity === undefined ? '?' : formatCount(capacity)} bytes`}>
          {formatBytes(used)}
          {capacity !== undefined && (
            <>
              {' '}
              <span className="muted">of {formatBytes(capacity)}</span> · {formatPercent(share!, share! < 0.1 ? 2 : 1)}
            </>
          )}
        </span>
      </div>
      <div
        className="capacity__track"
        role="meter"
        aria-label={`${label} used`}
        aria-valuemin={0}
        aria-valuemax={capacity ?? used}
        aria-valuenow={used}
        aria-valuetext={`${formatBytes(used)}${capacity !== undefined ? ` of ${formatBytes(capacity)}` : ''}`}
      >
        {parts.length > 0 && partTotal > 0 && capacity ? (
          parts.map((part, i) => (
            <div key={part.label} className={`capacity__fill capacity__fill--${i}`} style={{ width: `${Math.min(100, (part.bytes / capacity) * 100)}%` }} title={`${part.label}: ${formatBytes(part.bytes)}${part.meaning ? ` — ${part.meaning}` : ''}`} />
          ))
        ) : (
          <div className="capacity__fill capacity__fill--0" style={{ width: `${Math.min(100, (share ?? 0) * 100)}%` }} />
        )}
      </div>
      {parts.length > 0 && (
        <div className="capacity__legend">
          {parts.map((part, i) => (
            <span key={part.label} className="capacity__legend-item" title={part.meaning}>
              <span className={`capacity__swatch capacity__fill--${i}`} aria-hidden="true" />
              {part.label} <span className="numeric">{formatBytes(part.bytes)}</span>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
