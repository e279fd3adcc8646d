/**
 * GRU vs LSTM per MAC on the virtual Cortex-M4F (QEMU mps2-an386, arm-none-eabi-gcc -O2, DSP
 * build): `npx tsx bench/rnn/run.ts`. The LSTM is the shared trained_lstm_int8's
 * UNIDIRECTIONAL_SEQUENCE_LSTM alone (28 steps, 28 inputs, 20 units), and a seeded int8 LSTM with
 * a wide input (10 steps, 257 inputs, 32 units); the GRU is a TD_GRU of the
 * same size (seeded weights, int8 with int16 gates and Q0.15 state), both ways of
 * linear_before_reset, and bidirectional GRUs (forward + reverse + CONCATENATION) both ways; then the float32
 * LSTM (trained_lstm) and a float32 GRU of the same size. Instructions
 * are QEMU's exact count (-icount) of each op as the profiler times it; every deploy is checked
 * byte-identical against the interpreter. Results go to results.json beside this file.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { floatGruGraph, gruWeights, int8GruGraph, int8Parameters, seededRandom, type GruSpec } from '../../src/core/common/interp/kernels/testing/gru-model.js';
import { bidirectionalGru } from '../../src/core/common/interp/kernels/testing/gru-model.js';
import { lstmGraph } from '../../src/core/common/interp/kernels/testing/lstm-model.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { sharedPath } from '../../test/testing/shared-data.js';

const here = dirname(fileURLToPath(import.meta.url));

function lstmOnly(graph: Graph): Graph {
  const index = graph.ops.findIndex((op) => op.type === 'UNIDIRECTIONAL_SEQUENCE_LSTM');
  const op = graph.ops[index]!;
  return { ...graph, ops: [op], outputs: op.outputs };
}

const gru: GruSpec = { batch: 1, time: 28, inputSize: 28, units: 20, seed: 9, linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true, recurrentNBias: true };

function gruInput(spec: GruSpec): Uint8Array {
  const random = seededRandom(4);
  const q = int8Parameters({ min: -2, max: 2 });
  const values = Int8Array.from({ length: spec.batch * spec.time * spec.inputSize }, () => Math.round(((random() * 2 - 1) * 2) / q.scale) + q.zeroPoint);
  return new Uint8Array(values.buffer);
}

async function measure(name: string, graph: Graph, inputs: Uint8Array[] | undefined) {
  const result = await deployGraph(graph, { name, hash: name, board: virtualM4f, runs: 1, inputs, estimate: false });
  const recurrent = result.layers.filter((layer) => layer.macs > 0);
  const macs = recurrent.reduce((total, layer) => total + layer.macs, 0);
  const instructions = recurrent.reduce((total, layer) => total + layer.latency, 0);
  return { name, bitExact: result.bitExact, passed: result.passed, tolerance: result.tolerance, macs, instructions, perMac: Math.round((instructions / macs) * 1000) / 1000, total: result.latency.value };
}

const rows = [];
const lstm = lstmOnly(await loadModelFile(sharedPath('models/rnn/trained_lstm_int8.tflite')));
rows.push(await measure('lstm_int8_28x28x20', lstm, undefined));
// A wide input (257 features, as spectrogram LSTMs take): x_t does not fit the kernel's scratch
// expanded, so the kernel reads it directly (seeded weights, 10 steps, 32 units).
rows.push(await measure('lstm_int8_10x257x32', lstmGraph({ dtype: 'int8', batch: 1, time: 10, inputSize: 257, units: 32, seed: 5 }), undefined));
for (const linearBeforeReset of [true, false]) {
  const spec = { ...gru, linearBeforeReset, recurrentNBias: linearBeforeReset };
  const graph = int8GruGraph(spec, gruWeights(spec), { min: -2, max: 2 }, { min: -1, max: 1 });
  rows.push(await measure(`gru_int8_28x28x20_${linearBeforeReset ? 'lbr' : 'reset_first'}`, graph, [gruInput(spec)]));
}
rows.push(await measure('bigru_int8_28x28x20_concat', bidirectionalGru(gru, 'concat'), [gruInput(gru)]));
const resetFirst = { ...gru, linearBeforeReset: false, recurrentNBias: false };
rows.push(await measure('bigru_int8_28x28x20_concat_reset_first', bidirectionalGru(resetFirst, 'concat'), [gruInput(resetFirst)]));
const floatLstm = lstmOnly(await loadModelFile(sharedPath('models/rnn/trained_lstm.tflite')));
rows.push(await measure('lstm_f32_28x28x20', floatLstm, undefined));
const floatInput = Float32Array.from({ length: gru.time * gru.inputSize }, (_, i) => Math.sin(i * 0.37));
rows.push(await measure('gru_f32_28x28x20_lbr', floatGruGraph(gru, gruWeights(gru)), [new Uint8Array(floatInput.buffer)]));
for (const row of rows) console.log(`${row.name}: ${row.instructions.toLocaleString('en-US')} instructions, ${row.macs.toLocaleString('en-US')} MACs, ${row.perMac} per MAC, bit-exact ${row.bitExact}, passed ${row.passed} (tolerance ${row.tolerance})`);
await writeFile(join(here, 'results.json'), `${JSON.stringify(rows, null, 2)}\n`);
