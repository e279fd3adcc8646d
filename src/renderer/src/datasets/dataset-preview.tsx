/**
 * A dataset's format and its first samples drawn by kind: images as pixels (grey or RGB),
 * spectrograms (time × features, KWS's MFCCs) as a heat map with time running left to right and
 * each feature on its own scale, time series as one line per channel. Each sample shows its class and file.
 */

import { useEffect, useRef } from 'react';
import type { DatasetPreview } from '../../../shared/services/types.js';
import { formatCount, formatShape } from '../format.js';

type PreviewSample = DatasetPreview['samples'][number];

const kindLabels: Record<DatasetPreview['kind'], string> = {
  image: 'images',
  spectrogram: 'spectrograms (time × features)',
  'time-series': 'time series',
  tensor: 'tensors',
};

export function DatasetPreviewView({ preview }: { preview: DatasetPreview }) {
  const { sample } = preview;
  const quantized = sample.scale !== 1 || sample.zeroPoint !== 0;
  return (
    <div className="dataset-preview" data-testid="dataset-preview" data-kind={preview.kind}>
      <p className="dataset-preview__format" data-testid="dataset-format">
        <strong>{preview.name}</strong>: {preview.layout === 'idx' ? 'IDX files' : 'one file per sample with a label CSV'}, {formatCount(preview.sampleCount)} samples of{' '}
        {sample.dtype} {formatShape(sample.shape)}
        {quantized ? ` (real = (stored − ${sample.zeroPoint}) × ${Number(sample.scale.toPrecision(6))})` : ''}, {preview.classes.length} classes — {kindLabels[preview.kind]}
        {preview.kind !== 'tensor' ? ` ${preview.dimensions.join(' × ')}` : ''}
      </p>
      {preview.description && <p className="muted dataset-preview__description">{preview.description}</p>}
      <div className="dataset-preview__samples">
        {preview.samples.map((entry) => (
          <figure key={entry.index} className="dataset-sample" data-testid="dataset-sample">
            <SamplePicture preview={preview} sample={entry} />
            <figcaption className="dataset-sample__caption">
              <span className="dataset-sample__class">{entry.className}</span>
              <span className="muted mono dataset-sample__source" title={entry.source}>
                {entry.source}
              </span>
            </figcaption>
          </figure>
        ))}
      </div>
    </div>
  );
}

function SamplePicture({ preview, sample }: { preview: DatasetPreview; sample: PreviewSample }) {
  if (preview.kind === 'image') return <ImageCanvas dimensions={preview.dimensions} values={sample.values} label={`${sample.className}: image ${preview.dimensions.join(' × ')}`} />;
  if (preview.kind === 'spectrogram') return <HeatMapCanvas dimensions={preview.dimensions} values={sample.values} label={`${sample.className}: spectrogram, ${preview.dimensions[0]} frames × ${preview.dimensions[1]} features`} />;
  if (preview.kind === 'time-series') return <LinePlot dimensions={preview.dimensions} values={sample.values} label={`${sample.className}: ${preview.dimensions[1]} channel(s) over ${preview.dimensions[0]} steps`} />;
  return (
    <span className="muted" role="img" aria-label="values">
      {sample.values.length} values
    </span>
  );
}

/** min and max of `values` (0 and 1 when empty or flat, so a flat sample draws mid-grey). */
function range(values: readonly number[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return Number.isFinite(low) && high > low ? [low, high] : [0, 1];
}

/** Draws into a canvas after render: `draw` gets its 2-D context. */
function useCanvas(draw: (context: CanvasRenderingContext2D) => void, dependencies: readonly unknown[]) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = ref.current?.getContext('2d');
    if (context) draw(context);
  }, dependencies);
  return ref;
}

/** Pixels scaled to [0, 255] by the sample's own range (so a normalised image shows as well as a raw one). */
function ImageCanvas({ dimensions, values, label }: { dimensions: number[]; values: number[]; label: string }) {
  const [rows, columns, channels = 1] = dimensions;
  const ref = useCanvas(
    (context) => {
      const [low, high] = range(values);
      const image = context.createImageData(columns, rows);
      for (let pixel = 0; pixel < rows * columns; pixel++) {
        for (let c = 0; c < 3; c++) {
          const value = values[pixel * channels + (channels === 3 ? c : 0)] ?? low;
          image.data[pixel * 4 + c] = Math.round(((value - low) / (high - low)) * 255);
        }
        image.data[pixel * 4 + 3] = 255;
      }
      context.putImageData(image, 0, 0);
    },
    [values, rows, columns, channels],
  );
  const scale = Math.max(1, Math.floor(112 / Math.max(rows, columns)));
  return <canvas ref={ref} className="dataset-sample__canvas dataset-sample__canvas--pixels" width={columns} height={rows} style={{ width: columns * scale, height: rows * scale }} role="img" aria-label={label} data-testid="sample-image" />;
}

/** A colour from dark blue (low) through teal to yellow (high), as spectrograms are usually drawn. */
function heatColour(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [32, 24, 84],
    [33, 120, 142],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const position = Math.min(0.9999, Math.max(0, t)) * (stops.length - 1);
  const i = Math.floor(position);
  const f = position - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f)) as [number, number, number];
}

/**
 * Time (the first dimension) left to right, features bottom to top. Each feature is shaded by its
 * own range over the sample, as MFCCs are usually shown: the first coefficients are far larger than
 * the others and would otherwise leave them one flat colour.
 */
function HeatMapCanvas({ dimensions, values, label }: { dimensions: number[]; values: number[]; label: string }) {
  const [frames, features] = dimensions;
  const ref = useCanvas(
    (context) => {
      const image = context.createImageData(frames, features);
      for (let feature = 0; feature < features; feature++) {
        const [low, high] = range(Array.from({ length: frames }, (_, frame) => values[frame * features + feature] ?? 0));
        for (let frame = 0; frame < frames; frame++) {
          const [r, g, b] = heatColour(((values[frame * features + feature] ?? low) - low) / (high - low));
          const offset = ((features - 1 - feature) * frames + frame) * 4;
          image.data[offset] = r;
          image.data[offset + 1] = g;
          image.data[offset + 2] = b;
          image.data[offset + 3] = 255;
        }
      }
      context.putImageData(image, 0, 0);
    },
    [values, frames, features],
  );
  const scaleX = Math.max(1, Math.floor(150 / frames));
  const scaleY = Math.max(1, Math.floor(72 / features));
  return (
    <canvas ref={ref} className="dataset-sample__canvas dataset-sample__canvas--pixels" width={frames} height={features} style={{ width: frames * scaleX, height: features * scaleY }} role="img" aria-label={label} data-testid="sample-spectrogram" />
  );
}

const seriesColours = ['#2160c4', '#b42318', '#17733a', '#9a5b00', '#6b3fa0', '#0f7c86', '#8a919e', '#c2410c', '#374151'];

/** One polyline per channel over the steps, all channels on one scale. */
function LinePlot({ dimensions, values, label }: { dimensions: number[]; values: number[]; label: string }) {
  const [steps, channels] = dimensions;
  const width = 160;
  const height = 72;
  const [low, high] = range(values);
  const x = (step: number) => (steps <= 1 ? 0 : (step / (steps - 1)) * (width - 2) + 1);
  const y = (value: number) => height - 1 - ((value - low) / (high - low)) * (height - 2);
  return (
    <svg className="dataset-sample__plot" width={width} height={height} role="img" aria-label={label} data-testid="sample-series">
      {Array.from({ length: channels }, (_, channel) => (
        <polyline
          key={channel}
          fill="none"
          stroke={seriesColours[channel % seriesColours.length]}
          strokeWidth={1.2}
          points={Array.from({ length: steps }, (_, step) => `${x(step).toFixed(1)},${y(values[step * channels + channel] ?? low).toFixed(1)}`).join(' ')}
        />
      ))}
    </svg>
  );
}
