/**
 * Range observers: what post-training quantization learns about one float tensor from the
 * calibration samples, the range [min, max] its int8 (or int16) encoding will cover.
 *
 * - `min-max`: the smallest and largest value seen in any sample. Every calibration value is
 *   representable; one outlier stretches the scale for all the others.
 * - `moving-average`: each sample's own min and max, averaged as an exponential moving average
 *   (`range ← range + c·(sample − range)`, the first sample taken as it is), as PyTorch's
 *   MovingAverageMinMaxObserver and TensorFlow's quantization-aware training do. Rare extremes
 *   are clipped; `c` (`averagingConstant`) weighs the newest sample.
 * - `percentile`: the `p`-th and `(100 − p)`-th percentiles of every value of every sample.
 *   Needs two passes over the samples: the first finds min and max, the second fills a
 *   2048-bin histogram over them, from which the percentiles are read (linear within a bin).
 *
 * An observer sees each sample's values of its tensor once per pass, as a Float32Array (the
 * interpreter's buffer: observers read it during the call and keep nothing of it).
 */

export type ObserverKind = 'min-max' | 'moving-average' | 'percentile';

export const observerKinds: readonly ObserverKind[] = ['min-max', 'moving-average', 'percentile'];

/** A calibrated range; min ≤ max, both finite (a tensor never observed has none). */
export interface ValueRange {
  min: number;
  max: number;
}

export interface ObserverOptions {
  kind: ObserverKind;
  /** Percentile kept by `percentile` (e.g. 99.99: the top and bottom 0.01% are clipped). */
  percentile: number;
  /** Weight of the newest sample in `moving-average`, in (0, 1]. */
  averagingConstant: number;
}

export interface RangeObserver {
  /** Passes over the calibration samples the observer needs (1, or 2 for `percentile`). */
  readonly passes: number;
  /** The values of the tensor in one sample, in pass `pass` (0-based). */
  observe(values: Float32Array, pass: number): void;
  /** The range after the last pass; undefined when no finite value was observed. */
  range(): ValueRange | undefined;
}

/** Smallest and largest finite value of `values`; undefined when there is none. */
function extremes(values: Float32Array): ValueRange | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : undefined;
}

class MinMaxObserver implements RangeObserver {
  readonly passes = 1;
  private current: ValueRange | undefined;

  observe(values: Float32Array): void {
    const sample = extremes(values);
    if (!sample) return;
    this.current = this.current ? { min: Math.min(this.current.min, sample.min), max: Math.max(this.current.max, sample.max) } : sample;
  }

  range(): ValueRange | undefined {
    return this.current;
  }
}

class MovingAverageObserver implements RangeObserver {
  readonly passes = 1;
  private current: ValueRange | undefined;

  constructor(private readonly constant: number) {}

  observe(values: Float32Array): void {
    const sample = extremes(values);
    if (!sample) return;
    if (!this.current) {
      this.current = sample;
      return;
    }
    this.current = {
      min: this.current.min + this.constant * (sample.min - this.current.min),
      max: this.current.max + this.constant * (sample.max - this.current.max),
    };
  }

  range(): ValueRange | undefined {
    return this.current;
  }
}

/** Bins of the percentile observer's histogram (TensorRT's and PyTorch's histogram observers use 2048). */
export const HISTOGRAM_BINS = 2048;

class PercentileObserver implements RangeObserver {
  readonly passes = 2;
  private readonly bounds = new MinMaxObserver();
  private histogram: Float64Array | undefined;
  private total = 0;

  constructor(private readonly percentile: number) {}

  observe(values: Float32Array, pass: number): void {
    if (pass === 0) {
      this.bounds.observe(values);
      return;
    }
    const bounds = this.bounds.range();
    if (!bounds) return;
    const histogram = (this.histogram ??= new Float64Array(HISTOGRAM_BINS));
    const width = (bounds.max - bounds.min) / HISTOGRAM_BINS;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (!(value >= bounds.min && value <= bounds.max)) continue;
      const bin = width > 0 ? Math.min(HISTOGRAM_BINS - 1, Math.floor((value - bounds.min) / width)) : 0;
      histogram[bin]++;
      this.total++;
    }
  }

  range(): ValueRange | undefined {
    const bounds = this.bounds.range();
    if (!bounds || !this.histogram || this.total === 0 || bounds.max === bounds.min) return bounds;
    const fraction = this.percentile / 100;
    return {
      min: this.quantile(bounds, 1 - fraction),
      max: this.quantile(bounds, fraction),
    };
  }

  /** The value below which `q` of the counted values lie, interpolated linearly inside its bin. */
  private quantile(bounds: ValueRange, q: number): number {
    const histogram = this.histogram!;
    const width = (bounds.max - bounds.min) / HISTOGRAM_BINS;
    const target = q * this.total;
    let below = 0;
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
      const count = histogram[bin];
      if (below + count >= target && count > 0) {
        const within = Math.min(1, Math.max(0, (target - below) / count));
        return bounds.min + (bin + within) * width;
      }
      below += count;
    }
    return bounds.max;
  }
}

/** A fresh observer of the given kind (one per observed tensor). */
export function createObserver(options: ObserverOptions): RangeObserver {
  switch (options.kind) {
    case 'min-max':
      return new MinMaxObserver();
    case 'moving-average':
      return new MovingAverageObserver(options.averagingConstant);
    case 'percentile':
      return new PercentileObserver(options.percentile);
  }
}
