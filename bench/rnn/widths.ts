/**
 * The int8 LSTM over input widths on the virtual Cortex-M4F (QEMU mps2-an386, arm-none-eabi-gcc -O2,
 * DSP build), against what TFLite Micro + CMSIS-NN's LSTM must at least spend on the same shapes:
 * `npx tsx bench/rnn/widths.ts`.
 *
 * Each row is one UNIDIRECTIONAL_SEQUENCE_LSTM (seeded weights, 10 steps, batch 1) deployed with
 * `tinydeploy deploy`'s code path and checked byte for byte against the interpreter; instructions are
 * QEMU's exact count of the op as the profiler times it.
 *
 * ../shared/baseline measures TFLite Micro's LSTM on one shape only (28 inputs, 20 units). For the
 * others this bench sets ours beside a floor for TFLite Micro built from what ../shared/baseline does
 * measure: its fully connected layers (CMSIS-NN, the same emulated board, 6 shapes from 64x10 to
 * 4000x4). Their instructions fit `a + b * outputs + c * MACs` to within 0.7% (least squares below). A
 * CMSIS-NN LSTM step runs eight such vector-matrix products (four gates, input and recurrent), each
 * output requantized, plus the gates' activations and the cell update. So TFLite Micro's LSTM spends
 * at least
 *   floor = c * MACs + b * 8 * units * steps
 * (the call term `a` and every elementwise operation left out), and `c * MACs` alone is a floor under
 * any per-output cost. Checked against the one measured shape: TFLite Micro's whole trained_lstm_int8
 * (its LSTM, a fully connected layer and softmax) is above the floor of its LSTM alone.
 *
 * Beside the floor, an estimate calibrated on that measured shape: its LSTM's instructions (the model's
 * less its fully connected layer by the fit and its softmax as ../shared/baseline/ops measures
 * softmax_10) less `c * MACs` leave what TFLite Micro spends per unit and step besides the products
 * (requantizations, activations, the cell); that cost does not depend on the input width, so
 *   estimate = c * MACs + (per unit and step) * units * steps.
 *
 * Writes widths.json beside this file and prints the table of README.md's "Input widths" section.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { lstmGraph } from '../../src/core/common/interp/kernels/testing/lstm-model.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { sharedPath } from '../../test/testing/shared-data.js';

const here = dirname(fileURLToPath(import.meta.url));

interface BaselineOp {
  model: string;
  op: string;
  shape: { input: number[]; units?: number };
  macs: number;
  instructions: number;
}

/** Least squares of instructions = a + b * outputs + c * MACs over CMSIS-NN's fully connected rows. */
export function fitFullyConnected(rows: readonly { outputs: number; macs: number; instructions: number }[]): { a: number; b: number; c: number; worstError: number } {
  // Normal equations of the 3-parameter fit.
  const x = rows.map((row) => [1, row.outputs, row.macs]);
  const ata = [0, 1, 2].map((i) => [0, 1, 2].map((j) => x.reduce((sum, xi) => sum + xi[i]! * xi[j]!, 0)));
  const atb = [0, 1, 2].map((i) => x.reduce((sum, xi, k) => sum + xi[i]! * rows[k]!.instructions, 0));
  const [a, b, c] = solve3(ata, atb);
  const worstError = Math.max(...rows.map((row) => Math.abs(a + b * row.outputs + c * row.macs - row.instructions) / row.instructions));
  return { a, b, c, worstError };
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const augmented = m.map((row, i) => [...row, v[i]!]);
  for (let col = 0; col < 3; col++) {
    const pivot = augmented.slice(col).reduce((best, row, i) => (Math.abs(row[col]!) > Math.abs(augmented[best]![col]!) ? col + i : best), col);
    [augmented[col], augmented[pivot]] = [augmented[pivot]!, augmented[col]!];
    for (let row = 0; row < 3; row++) {
      if (row === col) continue;
      const factor = augmented[row]![col]! / augmented[col]![col]!;
      for (let k = col; k < 4; k++) augmented[row]![k]! -= factor * augmented[col]![k]!;
    }
  }
  return [0, 1, 2].map((i) => augmented[i]![3]! / augmented[i]![i]!) as [number, number, number];
}

const ops = JSON.parse(readFileSync(sharedPath('baseline/ops/ops.json'), 'utf8')) as BaselineOp[];
const fcRows = ops
  .filter((op) => op.op === 'FULLY_CONNECTED')
  .map((op) => ({ model: op.model, outputs: op.shape.units!, macs: op.macs, instructions: op.instructions }));
const fit = fitFullyConnected(fcRows);
console.log(
  `CMSIS-NN fully connected on virtual-m4f (${fcRows.length} rows): ${fit.a.toFixed(0)} + ${fit.b.toFixed(1)} per output + ${fit.c.toFixed(3)} per MAC, worst error ${(fit.worstError * 100).toFixed(2)}%`,
);

// The one shape TFLite Micro was measured on: its whole model against the floor of its LSTM alone, and
// what its LSTM spends per unit and step besides the products.
const measured = JSON.parse(readFileSync(sharedPath('baseline/tflm_m4f.json'), 'utf8')) as { model: string; kernels: string; instructionsPerInference: number }[];
const tflmModel = measured.find((row) => row.model === 'trained_lstm_int8' && row.kernels === 'cmsis_nn')!.instructionsPerInference;
const softmax10 = ops.find((op) => op.model === 'softmax_10')!.instructions;
// trained_lstm_int8: LSTM (28 steps, 28 inputs, 20 units: 107,520 MACs), RESHAPE, FULLY_CONNECTED 560 -> 10, SOFTMAX of 10.
const tflmLstm = tflmModel - (fit.a + fit.b * 10 + fit.c * 5_600) - softmax10;
const perUnitStep = (tflmLstm - fit.c * 107_520) / (20 * 28);
const sharedFloor = fit.c * 107_520 + fit.b * 8 * 20 * 28;
const check = { model: 'trained_lstm_int8', tflmInstructions: tflmModel, tflmLstmInstructions: Math.round(tflmLstm), lstmFloor: Math.round(sharedFloor), above: tflmLstm > sharedFloor, perUnitStep: Math.round(perUnitStep) };
console.log(
  `TFLite Micro's trained_lstm_int8: ${tflmModel.toLocaleString('en-US')} instructions, its LSTM about ${check.tflmLstmInstructions.toLocaleString('en-US')}; the floor of that LSTM ${check.lstmFloor.toLocaleString('en-US')} (${check.above ? 'below it' : 'ABOVE IT'}); ${check.perUnitStep} per unit and step besides the products`,
);
if (!check.above) process.exitCode = 1;

const steps = 10;
const widths = [1, 3, 8, 16, 28, 40, 64, 100, 128, 257, 400, 512, 1024];
const unitCounts = [20, 32, 64];
const rows = [];
for (const units of unitCounts) {
  for (const inputSize of widths) {
    const name = `lstm_int8_${steps}x${inputSize}x${units}`;
    const graph = lstmGraph({ dtype: 'int8', batch: 1, time: steps, inputSize, units, seed: inputSize * 131 + units });
    const result = await deployGraph(graph, { name, hash: name, board: virtualM4f, runs: 1, estimate: false });
    const layer = result.layers.find((entry) => entry.macs > 0)!;
    const macs = layer.macs;
    const floorMacs = fit.c * macs;
    const floor = floorMacs + fit.b * 8 * units * steps;
    const estimate = floorMacs + perUnitStep * units * steps;
    const row = {
      name,
      inputSize,
      units,
      steps,
      macs,
      instructions: layer.latency,
      perMac: Math.round((layer.latency / macs) * 1000) / 1000,
      bitExact: result.bitExact,
      floor: Math.round(floor),
      ratioToFloor: Math.round((layer.latency / floor) * 1000) / 1000,
      ratioToMacFloor: Math.round((layer.latency / floorMacs) * 1000) / 1000,
      estimate: Math.round(estimate),
      ratioToEstimate: Math.round((layer.latency / estimate) * 1000) / 1000,
    };
    rows.push(row);
    console.log(`${name}: ${row.instructions.toLocaleString('en-US')} instructions (${row.perMac} per MAC), floor ${row.floor.toLocaleString('en-US')}, ours / floor ${row.ratioToFloor} (MAC term only ${row.ratioToMacFloor}), ours / estimate ${row.ratioToEstimate}, bit-exact ${row.bitExact}`);
  }
}

writeFileSync(join(here, 'widths.json'), `${JSON.stringify({ board: 'virtual-m4f', unit: 'instructions', fullyConnectedFit: { ...fit, rows: fcRows }, check, rows }, null, 1)}\n`);

console.log('\n| LSTM (steps x inputs x units) | MACs | instructions | per MAC | TFLite Micro floor | ours / floor | ours / MAC term | TFLite Micro estimate | ours / estimate | bit-exact |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const row of rows) {
  console.log(`| ${row.steps} x ${row.inputSize} x ${row.units} | ${row.macs.toLocaleString('en-US')} | ${row.instructions.toLocaleString('en-US')} | ${row.perMac.toFixed(2)} | ${row.floor.toLocaleString('en-US')} | ${row.ratioToFloor.toFixed(3)} | ${row.ratioToMacFloor.toFixed(3)} | ${row.estimate.toLocaleString('en-US')} | ${row.ratioToEstimate.toFixed(3)} | ${row.bitExact ? 'yes' : 'NO'} |`);
}
const worst = rows.reduce((a, b) => (b.ratioToFloor > a.ratioToFloor ? b : a));
const worstEstimate = rows.reduce((a, b) => (b.ratioToEstimate > a.ratioToEstimate ? b : a));
console.log(`\nworst ours / floor: ${worst.ratioToFloor} (${worst.name}); worst ours / estimate: ${worstEstimate.ratioToEstimate} (${worstEstimate.name}); every row bit-exact: ${rows.every((row) => row.bitExact)}`);
if (!rows.every((row) => row.bitExact)) process.exitCode = 1;
