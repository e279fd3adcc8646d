/**
 * `qat-int8`: quantization-aware training, then the int8 model. The float model is calibrated on
 * the first `samples` training samples (min-max, as `quantize-int8` calibrates), trained as
 * `finetune` trains with every value fake-quantized to the encoding the int8 model will give it
 * (`fake-quant.ts`: per-channel symmetric weights, per-tensor asymmetric activations with their
 * ranges tracked during training, the fixed softmax/logistic/tanh scales, the int8 LSTM's and
 * GRU's internal scales) and straight-through gradients; then the trained float weights and the
 * learned ranges (those of the epoch whose weights were kept) go through `quantize-int8`'s own
 * rewrite (`quantizeGraph`), so the result is an ordinary int8 model that the interpreter, the
 * C generator and the boards run bit-exact.
 */

import { PassError } from '../../../common/errors.js';
import type { Graph } from '../../../common/ir/types.js';
import type { PassContext } from '../../../common/passes/pass.js';
import { calibrate } from '../../../common/passes/quantize/calibrate.js';
import { type CalibrationTable } from '../../../common/passes/quantize/calibrate.js';
import type { ValueRange } from '../../../common/passes/quantize/observers.js';
import { DEFAULT_CALIBRATION_SAMPLES, precisionPlan } from '../../../common/passes/quantize/quantize-int8.js';
import { computesInFloat, quantizeGraph } from '../../../common/passes/quantize/quantize-graph.js';
import { registerPass } from '../../../common/passes/registry.js';
import { FakeQuantizer } from '../fake-quant.js';
import type { LoweredGraph } from '../lower.js';
import { type FinetuneOptions, trainPass, trainingOptionSpecs } from './finetune.js';

export interface QatInt8Options extends FinetuneOptions {
  samples?: number;
  averagingConstant?: number;
}

export async function qatInt8(graph: Graph, context: PassContext<QatInt8Options>): Promise<Graph> {
  const { options } = context;
  const samples = options.samples ?? DEFAULT_CALIBRATION_SAMPLES;
  const averagingConstant = options.averagingConstant ?? 0.01;
  if (!Number.isInteger(samples) || samples < 1) throw new PassError(`option samples is ${samples}, expected a whole number >= 1`);
  if (!(averagingConstant > 0 && averagingConstant <= 1)) throw new PassError(`option averagingConstant is ${averagingConstant}, expected a number in (0, 1]`);
  if (!graph.ops.some((op) => computesInFloat(graph, op))) throw new PassError(`graph ${graph.name} computes nothing in float32: it is quantized already`);
  const precisions = precisionPlan(graph, {}, (message) => context.log(message, 'warning'));
  const calibration = context.resources.calibration!;
  const initial = await calibrate(graph, calibration, { observer: { kind: 'min-max', percentile: 99.99, averagingConstant }, samples }, {
    signal: context.signal,
    progress: (done, total) => context.progress(done, total, 'calibrating'),
  });
  context.log(`ranges start from ${initial.samples} calibration samples (min-max), then follow the training (moving average, constant ${averagingConstant})`);

  let quantizer: FakeQuantizer | undefined;
  const snapshots = new Map<number, CalibrationTable>();
  return trainPass(graph, context, undefined, {
    wrap(tf, lowered): LoweredGraph {
      const hooks = new FakeQuantizer(tf, graph, initial, precisions, averagingConstant);
      quantizer = hooks;
      return { ...lowered, forward: (input, forwardOptions) => lowered.forward(input, { ...forwardOptions, quantize: hooks }) };
    },
    afterStep: () => quantizer!.update(),
    afterEpoch: (epoch) => snapshots.set(epoch, quantizer!.snapshot()),
    finish(trained, result) {
      const table = snapshots.get(result.bestEpoch) ?? quantizer!.snapshot();
      const { graph: quantized, notes } = quantizeGraph(trained, { ...table, samples: initial.samples }, { precisions, io: 'int8', perChannel: true });
      context.log(`quantized with the ranges of epoch ${result.bestEpoch}: inputs and outputs int8`);
      for (const note of notes) context.log(note);
      return quantized;
    },
    dispose: () => quantizer?.dispose(),
    saveState: () => ({ current: tableToJson(quantizer!.snapshot()), snapshots: [...snapshots].map(([epoch, table]) => [epoch, tableToJson(table)]) }),
    restoreState(state) {
      const saved = state as { current: JsonTable; snapshots: [number, JsonTable][] };
      quantizer!.restore(tableFromJson(saved.current));
      snapshots.clear();
      for (const [epoch, table] of saved.snapshots) snapshots.set(epoch, tableFromJson(table));
    },
  });
}

type JsonTable = { tensors: [number, ValueRange][]; lstmStates: [number, { hidden: ValueRange; cell: ValueRange }][]; observer: CalibrationTable['observer'] };

function tableToJson(table: CalibrationTable): JsonTable {
  return { tensors: [...table.tensors], lstmStates: [...table.lstmStates], observer: table.observer };
}

function tableFromJson(table: JsonTable): CalibrationTable {
  return { tensors: new Map(table.tensors), lstmStates: new Map(table.lstmStates), samples: 0, observer: table.observer };
}

registerPass<QatInt8Options>({
  name: 'qat-int8',
  description:
    'quantization-aware training, then int8: trains with weights and activations fake-quantized as quantize-int8 encodes them ' +
    '(straight-through gradients, activation ranges tracked during training), then quantizes with the learned ranges',
  requires: 'as finetune, and the calibration samples the ranges start from',
  resources: ['training', 'calibration'],
  options: {
    ...trainingOptionSpecs,
    samples: { type: 'number', description: 'calibration samples the ranges start from: the first N', default: DEFAULT_CALIBRATION_SAMPLES },
    averagingConstant: { type: 'number', description: 'how far each training step moves a range towards the batch minimum and maximum', default: 0.01 },
  },
  run: qatInt8,
});
