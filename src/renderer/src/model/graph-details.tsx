/**
 * The details pane of the graph view for the selected op: its attributes, then each tensor it
 * reads and writes (role, name, shape, dtype, bytes, quantization: scale and zero point, or the
 * per-channel count and range), and for weights their statistics (min, max, mean, std, zeros)
 * with a histogram of the real (dequantized) values.
 */

import type { GraphTensor, ModelGraph, WeightStats } from '../../../shared/services/types.js';
import { formatBytes, formatCount, formatPercent, formatShape } from '../format.js';
import type { GraphOp } from './graph-layout.js';

const number = (value: number) => (value === 0 ? '0' : Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3 ? value.toExponential(3) : Number(value.toPrecision(4)).toString());

function Histogram({ stats }: { stats: WeightStats }) {
  const width = 220;
  const height = 48;
  const max = Math.max(1, ...stats.histogram);
  const bar = width / stats.histogram.length;
  return (
    <svg className="graph-details__histogram" width={width} height={height + 12} role="img" aria-label={`Histogram of ${formatCount(stats.count)} values from ${number(stats.min)} to ${number(stats.max)}`} data-testid="weight-histogram">
      {stats.histogram.map((count, i) => {
        const h = (count / max) * height;
        return (
          <rect key={i} x={i * bar} y={height - h} width={Math.max(1, bar - 1)} height={h}>
            <title>{`${number(stats.min + ((stats.max - stats.min) * i) / stats.histogram.length)} … ${number(stats.min + ((stats.max - stats.min) * (i + 1)) / stats.histogram.length)}: ${formatCount(count)}`}</title>
          </rect>
        );
      })}
      <text x={0} y={height + 11}>
        {number(stats.min)}
      </text>
      <text x={width} y={height + 11} textAnchor="end">
        {number(stats.max)}
      </text>
    </svg>
  );
}

function quantizationText(tensor: GraphTensor): string | undefined {
  const q = tensor.quantization;
  if (!q) return undefined;
  if (q.channels <= 1) return `scale ${number(q.scale[0])}, zero point ${q.zeroPoint[0]}`;
  const low = Math.min(...q.scale);
  const high = Math.max(...q.scale);
  return `per channel (axis ${q.axis}, ${q.channels} channels): scale ${number(low)} … ${number(high)}${q.channels > q.scale.length ? ' (first ' + q.scale.length + ')' : ''}, zero point ${q.zeroPoint.every((zp) => zp === 0) ? '0' : q.zeroPoint.join(', ')}`;
}

function TensorCard({ role, tensor }: { role: string; tensor: GraphTensor }) {
  const quantization = quantizationText(tensor);
  return (
    <div className="graph-details__tensor" data-testid="graph-tensor" data-kind={tensor.kind}>
      <div className="graph-details__tensor-head">
        <span className="graph-details__role">{role}</span> <span className="mono" title={tensor.name}>{tensor.name}</span>
      </div>
      <div className="mono">
        {formatShape(tensor.shape)} {tensor.dtype} · {formatBytes(tensor.bytes)}
      </div>
      {quantization && (
        <div className="graph-details__quant" data-testid="tensor-quantization">
          {quantization}
        </div>
      )}
      {tensor.stats && (
        <div className="graph-details__stats" data-testid="tensor-stats">
          <div>
            min {number(tensor.stats.min)} · max {number(tensor.stats.max)} · mean {number(tensor.stats.mean)} · std {number(tensor.stats.std)} · zeros {formatPercent(tensor.stats.zeros)}
          </div>
          <Histogram stats={tensor.stats} />
        </div>
      )}
    </div>
  );
}

export function GraphDetails({ op, model }: { op: GraphOp; model: ModelGraph | undefined }) {
  const tensor = (ref: { tensor: number; name: string; shape: number[]; dtype: string; kind: GraphTensor['kind'] }): GraphTensor =>
    model?.tensors[ref.tensor] ?? { id: ref.tensor, name: ref.name, shape: ref.shape, dtype: ref.dtype, kind: ref.kind, bytes: 0 };
  const attrs = Object.entries(op.attrs);
  return (
    <section className="graph-details" aria-label={`Details of op ${op.index} ${op.op}`} data-testid="graph-details">
      <h3 className="graph-details__title">
        <span className="muted">{op.index}</span> {op.op}
      </h3>
      {attrs.length > 0 && (
        <dl className="graph-details__attrs" data-testid="graph-attrs">
          {attrs.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd className="mono">{Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="graph-details__tensors">
        {op.inputs.map((ref) => (
          <TensorCard key={`i${ref.tensor}`} role={ref.kind === 'variable' ? 'state' : 'input'} tensor={tensor(ref)} />
        ))}
        {op.constants.map((ref, i) => (
          <TensorCard key={`c${ref.tensor}`} role={i === 0 ? 'weights' : i === 1 && /CONV|FULLY_CONNECTED/.test(op.op) ? 'bias' : 'constant'} tensor={tensor(ref)} />
        ))}
        {op.outputs.map((ref) => (
          <TensorCard key={`o${ref.tensor}`} role="output" tensor={tensor(ref)} />
        ))}
      </div>
      {!model && <p className="muted">Attributes and weights appear once the graph is read.</p>}
    </section>
  );
}
