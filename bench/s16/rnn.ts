/**
 * 16x8 recurrent layers per MAC on the virtual Cortex-M4F (QEMU mps2-an386, arm-none-eabi-gcc -O2,
 * the board's DSP build), next to their int8 twins: `npx tsx bench/s16/rnn.ts`.
 *
 * - LSTM: ../shared's float MNIST LSTM (28 steps, 28 inputs, 20 units) quantized by the quantizer
 *   all int8 and all 16x8 (every op, the softmax too), both calibrated on mnist's first 50 rows;
 *   the LSTM op alone and the whole model (instructions, arena, stack, flash), and the MNIST
 *   accuracy of float, int8 and 16x8 on the held-out rows that follow the calibration ones.
 * - GRU: a seeded float TD_GRU of the same size (28 x 28 x 20, linear_before_reset, recurrent n
 *   bias) quantized int8 and 16x8 on synthetic calibration, the GRU op alone.
 *
 * Instructions are QEMU's exact count (-icount) of each op as the profiler times it; every deploy
 * is checked byte-identical against the interpreter. Results go to rnn.json beside this file.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { floatGruGraph, type GruSpec } from '../../src/core/common/interp/kernels/testing/gru-model.js';
import { gruOpType } from '../../src/core/common/ops/gru-layout.js';
import { openDataset } from '../../src/core/node/datasets/index.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';
import { loadModelFile } from '../../src/core/node/model-file.js';
import { quantizeModel } from '../../src/core/node/quantize/quantize-model.js';
import { sharedPath } from '../../test/testing/shared-data.js';

const here = dirname(fileURLToPath(import.meta.url));
const heldOutRows = Number(process.env.HELD_OUT ?? 1000);

/** The graph cut to its one op of `type`, its input and output the graph's. */
function only(graph: Graph, type: string): Graph {
  const op = graph.ops.find((candidate) => candidate.type === type)!;
  return { ...graph, ops: [op], inputs: [op.inputs[0]], outputs: op.outputs };
}

/** Seeded input bytes for a graph's first input (int8 or int16). */
function inputBytes(graph: Graph, seed: number): Uint8Array {
  const tensor = graph.tensors[graph.inputs[0]];
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  let state = seed;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
  if (tensor.dtype === 'int16') return new Uint8Array(Int16Array.from({ length: count }, () => Math.floor((next() - 0.5) * 40000)).buffer);
  return new Uint8Array(Int8Array.from({ length: count }, () => Math.floor(next() * 256) - 128).buffer);
}

async function measure(name: string, graph: Graph) {
  const result = await deployGraph(graph, { name, hash: `s16-rnn-${name}`, board: virtualM4f, runs: 1, inputs: [inputBytes(graph, 11)], estimate: false });
  const layers = result.layers.filter((layer) => layer.macs > 0);
  const macs = layers.reduce((total, layer) => total + layer.macs, 0);
  const instructions = layers.reduce((total, layer) => total + layer.latency, 0);
  const row = {
    name,
    bitExact: result.bitExact,
    macs,
    instructions,
    perMac: Math.round((instructions / macs) * 100) / 100,
    total: result.latency.value,
    arenaBytes: result.arenaBytes,
    stackBytes: result.stackBytes,
    flashBytes: result.flashBytes,
  };
  console.log(JSON.stringify(row));
  return row;
}

const rows = [];
const accuracy: Record<string, unknown> = {};

const floatLstm = await loadModelFile(sharedPath('models/rnn/trained_lstm.tflite'));
const mnist = await openDataset(sharedPath('datasets/mnist'));
for (const precision of ['int8', 'int16'] as const) {
  const int16Layers = precision === 'int16' ? floatLstm.ops.map((_, index) => index).join(',') : undefined;
  const { graph, report } = await quantizeModel(floatLstm, {
    modelName: 'trained_lstm.tflite',
    calibration: { kind: 'dataset', dataset: mnist },
    passOptions: { samples: 50, ...(int16Layers ? { int16Layers } : {}) },
    evaluationLimit: heldOutRows,
  });
  const heldOut = report.evaluation!.heldOut!;
  accuracy.float32 = { samples: heldOut.parent.samples, accuracy: heldOut.parent.accuracy };
  accuracy[precision] = { samples: heldOut.variant.samples, accuracy: heldOut.variant.accuracy, sqnrDb: heldOut.variant.sqnrDb, agreement: heldOut.variant.agreement };
  console.log(precision, JSON.stringify(accuracy[precision]), 'float', JSON.stringify(accuracy.float32));
  const tag = precision === 'int8' ? 'int8' : '16x8';
  rows.push(await measure(`lstm_${tag}_28x28x20 (op)`, only(graph, 'UNIDIRECTIONAL_SEQUENCE_LSTM')));
  rows.push(await measure(`mnist_lstm_${tag} (whole model)`, graph));
}

const gruSpec: GruSpec = { batch: 1, time: 28, inputSize: 28, units: 20, seed: 9, linearBeforeReset: true, timeMajor: false, reverse: false, returnSequences: true, recurrentNBias: true };
const floatGru = floatGruGraph(gruSpec);
for (const precision of ['int8', 'int16'] as const) {
  const { graph } = await quantizeModel(floatGru, {
    modelName: 'gru_28x28x20',
    calibration: { kind: 'synthetic', seed: 3, range: [-2, 2] },
    passOptions: { samples: 16, ...(precision === 'int16' ? { int16Layers: '0' } : {}) },
    evaluationLimit: 0,
  });
  rows.push(await measure(`gru_${precision === 'int8' ? 'int8' : '16x8'}_28x28x20 (op)`, only(graph, gruOpType)));
}

await writeFile(join(here, 'rnn.json'), `${JSON.stringify({ board: virtualM4f.id, rows, accuracy }, null, 2)}\n`);
