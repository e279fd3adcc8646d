/**
 * Training curves of an optimize job: the loss per epoch (left axis) and the validation accuracy
 * per epoch (right axis), and, while the job runs, the loss of each training step seen so far as a
 * faint line, all against epochs. Passes that train one after the other follow each other on the
 * epoch axis.
 */

import { formatPercent } from '../format.js';
import { compactNumber, linearScale, niceTicks } from '../charts/scale.js';
import { useWidth } from '../charts/use-width.js';
import type { EpochPoint } from './training.js';
import '../charts/charts.css';
import './optimize.css';

const height = 200;
const margin = { top: 10, right: 48, bottom: 30, left: 48 };

/** Where each training pass starts on the epoch axis (passes are numbered in the order they log). */
function passOffsets(points: readonly EpochPoint[]): number[] {
  const offsets: number[] = [];
  let start = 0;
  for (const point of points) {
    if (offsets[point.passIndex] === undefined) {
      offsets[point.passIndex] = start;
      start += point.epochs;
    }
  }
  return offsets;
}

/** A training step seen live: where it sits on the epoch axis and its loss. */
export interface StepLoss {
  position: number;
  loss: number;
}

export function TrainingChart({ epochs, steps }: { epochs: readonly EpochPoint[]; steps: readonly StepLoss[] }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const offsets = passOffsets(epochs);
  const last = epochs.at(-1);
  const totalEpochs = Math.max(1, offsets.length ? offsets.at(-1)! + epochs.filter((point) => point.passIndex === offsets.length - 1)[0].epochs : 0, ...steps.map((step) => Math.ceil(step.position)));
  const lossTicks = niceTicks(Math.max(0, ...epochs.map((point) => point.loss), ...steps.map((step) => step.loss)), 4);
  const accuracies = epochs.flatMap((point) => (point.validationAccuracy !== undefined ? [point.validationAccuracy] : []));
  const accuracyFloor = accuracies.length ? Math.max(0, Math.floor(Math.min(...accuracies) * 10) / 10 - 0.1) : 0;
  const accuracyTicks = [0, 1, 2, 3, 4].map((index) => accuracyFloor + ((1 - accuracyFloor) * index) / 4);
  const x = linearScale(0, totalEpochs, margin.left, Math.max(margin.left + 60, width - margin.right));
  const yLoss = linearScale(0, lossTicks.at(-1)!, height - margin.bottom, margin.top);
  const yAccuracy = linearScale(accuracyFloor, 1, height - margin.bottom, margin.top);
  const epochX = (point: EpochPoint) => x(offsets[point.passIndex] + point.epoch);
  const path = (coordinates: [number, number][]) => coordinates.map(([px, py], index) => `${index ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
  const withAccuracy = epochs.filter((point) => point.validationAccuracy !== undefined);
  const epochTicks = niceTicks(totalEpochs, Math.min(totalEpochs, 8)).filter((tick) => Number.isInteger(tick) && tick <= totalEpochs);
  const label = last
    ? `Training curves: ${epochs.length} epoch(s); last ${last.pass} epoch ${last.epoch} of ${last.epochs}, loss ${last.loss.toFixed(4)}` +
      (last.validationAccuracy !== undefined ? `, validation accuracy ${formatPercent(last.validationAccuracy, 2)}` : '')
    : `Training curves: no epoch finished yet${steps.length ? `; ${steps.length} steps seen, loss ${steps.at(-1)!.loss.toFixed(4)}` : ''}`;

  return (
    <figure className="chart" data-testid="training-chart" data-epochs={epochs.length}>
      <div ref={ref} className="chart__canvas">
        <svg width={width} height={height} role="img" aria-label={label}>
          {lossTicks.map((tick) => (
            <g key={`loss-${tick}`}>
              <line className="chart__grid" x1={margin.left} x2={x(totalEpochs)} y1={yLoss(tick)} y2={yLoss(tick)} />
              <text className="chart__tick" x={margin.left - 6} y={yLoss(tick) + 3} textAnchor="end">
                {compactNumber(tick)}
              </text>
            </g>
          ))}
          {accuracies.length > 0 &&
            accuracyTicks.map((tick) => (
              <text key={`accuracy-${tick}`} className="chart__tick" x={x(totalEpochs) + 6} y={yAccuracy(tick) + 3}>
                {formatPercent(tick, 0)}
              </text>
            ))}
          {epochTicks.map((tick) => (
            <text key={`epoch-${tick}`} className="chart__tick" x={x(tick)} y={height - margin.bottom + 14} textAnchor="middle">
              {tick}
            </text>
          ))}
          <text className="chart__tick" x={(margin.left + x(totalEpochs)) / 2} y={height - 4} textAnchor="middle">
            epoch
          </text>
          {steps.length > 1 && <path className="training-chart__steps" d={path(steps.map((step) => [x(step.position), yLoss(step.loss)]))} data-testid="training-steps" />}
          {epochs.length > 1 && <path className="training-chart__loss" d={path(epochs.map((point) => [epochX(point), yLoss(point.loss)]))} />}
          {withAccuracy.length > 1 && <path className="training-chart__accuracy" d={path(withAccuracy.map((point) => [epochX(point), yAccuracy(point.validationAccuracy!)]))} />}
          {epochs.map((point) => (
            <g key={`${point.passIndex}-${point.epoch}`} data-testid="epoch-point">
              <title>{`${point.pass} epoch ${point.epoch}/${point.epochs}: loss ${point.loss.toFixed(4)}${point.validationAccuracy !== undefined ? `, validation accuracy ${formatPercent(point.validationAccuracy, 2)}` : ''}`}</title>
              <circle className="training-chart__loss-point" cx={epochX(point)} cy={yLoss(point.loss)} r={3.5} />
              {point.validationAccuracy !== undefined && <circle className="training-chart__accuracy-point" cx={epochX(point)} cy={yAccuracy(point.validationAccuracy)} r={3.5} />}
            </g>
          ))}
        </svg>
      </div>
      <figcaption className="chart__caption">
        <span className="training-chart__key training-chart__key--loss">loss</span> (left axis, per epoch{steps.length ? '; faint: per step while training' : ''}) and{' '}
        <span className="training-chart__key training-chart__key--accuracy">validation accuracy</span> (right axis) per epoch
      </figcaption>
    </figure>
  );
}
