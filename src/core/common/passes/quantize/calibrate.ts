/**
 * Calibration: the float graph runs on the calibration samples in the host interpreter and an
 * observer per float32 activation (graph inputs and op outputs) records the range each one
 * takes. An LSTM also gets the ranges of its hidden and cell state over every time step, which
 * its int8 form needs (the interpreter only keeps the state after the last step, so the cell is
 * replayed here, see `recordLstmStates`).
 *
 * Each sample is one independent inference (LSTM state reset), as evaluation runs them.
 * Observers that need a second pass (percentile) get the samples twice.
 */

import { PassError } from '../../errors.js';
import { Interpreter } from '../../interp/interpreter.js';
import { elementCount, formatShape } from '../../ir/tensor.js';
import type { Graph, TensorData } from '../../ir/types.js';
import { isOp } from '../../ir/types.js';
import type { CalibrationData } from '../pass.js';
import { type ObserverOptions, type RangeObserver, type ValueRange, createObserver } from './observers.js';
import { recordLstmStates } from './lstm-states.js';

/** What calibration learnt about a float graph. */
export interface CalibrationTable {
  /** Range of every float32 activation (graph inputs and op outputs), by tensor id. */
  tensors: ReadonlyMap<number, ValueRange>;
  /** Ranges of each LSTM's hidden and cell state over all time steps, by op index. */
  lstmStates: ReadonlyMap<number, { hidden: ValueRange; cell: ValueRange }>;
  /** Samples the ranges come from. */
  samples: number;
  observer: ObserverOptions;
}

export interface CalibrationControl {
  signal?: AbortSignal;
  /** Called after each sample of each pass. */
  progress?(done: number, total: number): void;
}

/** Between two samples, at most this often, calibration lets the event loop run (progress, cancel). */
const YIELD_INTERVAL_MS = 50;

/**
 * Runs `graph` (float32) on the first `samples` samples of `data` and returns the observed
 * ranges. Throws PassError when there are no samples, a sample has the wrong number of inputs,
 * a wrong type or size, or an activation never takes a finite value.
 */
export async function calibrate(
  graph: Graph,
  data: CalibrationData,
  options: { observer: ObserverOptions; samples: number },
  control: CalibrationControl = {},
): Promise<CalibrationTable> {
  const count = Math.min(options.samples, data.count);
  if (count < 1) throw new PassError(`calibration needs at least one sample, the calibration data has ${data.count}`);
  const observed = new Map<number, RangeObserver>();
  const watch = (id: number) => {
    const tensor = graph.tensors[id];
    if (tensor.dtype === 'float32' && !tensor.data && !tensor.variable && !observed.has(id)) observed.set(id, createObserver(options.observer));
  };
  graph.inputs.forEach(watch);
  graph.ops.forEach((op) => op.outputs.forEach(watch));
  const lstmOps = graph.ops.flatMap((op, index) => (isOp(op, 'UNIDIRECTIONAL_SEQUENCE_LSTM') && graph.tensors[op.inputs[0]].dtype === 'float32' ? [index] : []));
  const lstmObservers = new Map(lstmOps.map((index) => [index, { hidden: createObserver(options.observer), cell: createObserver(options.observer) }]));

  const interpreter = new Interpreter(graph, { state: 'reset' });
  const passes = Math.max(...[...observed.values(), ...[...lstmObservers.values()].flatMap((o) => [o.hidden, o.cell])].map((o) => o.passes), 1);
  let lastYield = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (let index = 0; index < count; index++) {
      control.signal?.throwIfAborted();
      const inputs = checkSample(graph, index, await data.sample(index));
      const { tensors } = interpreter.run(inputs, { keepIntermediates: true });
      for (const [id, observer] of observed) observer.observe(tensors!.get(id) as Float32Array, pass);
      for (const [opIndex, observers] of lstmObservers) {
        const states = recordLstmStates(graph, opIndex, tensors!);
        observers.hidden.observe(states.hidden, pass);
        observers.cell.observe(states.cell, pass);
      }
      control.progress?.(pass * count + index + 1, passes * count);
      if (performance.now() - lastYield > YIELD_INTERVAL_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
  }

  const tensors = new Map<number, ValueRange>();
  for (const [id, observer] of observed) {
    const range = observer.range();
    if (!range) throw new PassError(`tensor ${id} (${graph.tensors[id].name}) took no finite value on ${count} calibration samples`, { tensor: id });
    tensors.set(id, range);
  }
  const lstmStates = new Map<number, { hidden: ValueRange; cell: ValueRange }>();
  for (const [opIndex, observers] of lstmObservers) {
    const hidden = observers.hidden.range();
    const cell = observers.cell.range();
    if (!hidden || !cell) throw new PassError(`op ${opIndex} (UNIDIRECTIONAL_SEQUENCE_LSTM): its state took no finite value on ${count} calibration samples`);
    lstmStates.set(opIndex, { hidden, cell });
  }
  return { tensors, lstmStates, samples: count, observer: options.observer };
}

/** The sample as interpreter inputs, or a PassError naming the sample, the input and what is wrong. */
function checkSample(graph: Graph, index: number, sample: readonly TensorData[]): TensorData[] {
  if (sample.length !== graph.inputs.length) {
    throw new PassError(`calibration sample ${index} has ${sample.length} input(s), the graph has ${graph.inputs.length}`, { sample: index });
  }
  return graph.inputs.map((id, i) => {
    const tensor = graph.tensors[id];
    const value = sample[i];
    if (tensor.dtype !== 'float32') {
      throw new PassError(`graph input ${i} (${tensor.name}) is ${tensor.dtype}; calibration needs a float32 model`, { sample: index, input: i });
    }
    if (!(value instanceof Float32Array)) {
      throw new PassError(`calibration sample ${index} input ${i} is ${value.constructor.name}, expected Float32Array`, { sample: index, input: i });
    }
    const expected = elementCount(tensor.shape);
    if (value.length !== expected) {
      throw new PassError(
        `calibration sample ${index} input ${i} has ${value.length} values, input ${tensor.name} has shape ${formatShape(tensor.shape)} = ${expected}`,
        { sample: index, input: i },
      );
    }
    return value;
  });
}
