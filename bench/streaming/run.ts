/**
 * Streaming recurrent keyword spotting per hop, in the style of MLPerf Tiny's streaming wake-word
 * task: `npx tsx bench/streaming/run.ts [hop period ms, default 20]`.
 *
 * The models take one hop of audio features per inference (2 frames of 40 log-mel features, a
 * 10 ms frame step: a 20 ms hop) and keep their recurrent state on the board from one inference
 * to the next (deploy's `streaming`: the state is not reset between runs, the host interpreter
 * carries its own the same way and every run is checked byte for byte against it). Layers: a GRU
 * (TD_GRU, 64 units) or an LSTM (64 units) over the hop's frames, then a dense layer to 12
 * classes and softmax; seeded weights, built as ONNX, imported, quantized to int8 by TinyDeploy
 * (synthetic calibration) and deployed to virtual-m4f (QEMU mps2-an386, DSP kernels) with
 * `tinydeploy deploy`'s code path, 8 hops.
 *
 * Per hop: QEMU's exact instruction count, and cycles and milliseconds ESTIMATED from the
 * instruction mix (devices/qemu/instruction-mix.ts priced by boards/cycle-tables.ts) for the
 * virtual board's own Cortex-M4 at its nominal 25 MHz and for a NUCLEO-L4R5ZI (Cortex-M4 at
 * 120 MHz, 5 flash wait states). No board was timed: these are estimates. The duty cycle is the
 * estimated per-hop time over the hop period: the share of the time the core computes, the rest
 * it may sleep. Results go to results.json beside this file.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBoard, virtualM4f } from '../../src/core/common/boards/index.js';
import { readOnnx } from '../../src/core/common/importers/onnx/index.js';
import { buildOnnx } from '../../src/core/common/importers/onnx/testing/onnx-builder.js';
import type { Graph } from '../../src/core/common/ir/types.js';
import { syntheticSamples } from '../../src/core/common/passes/quantize/synthetic.js';
import { runPipeline } from '../../src/core/common/passes/run-pipeline.js';
import { deployGraph } from '../../src/core/node/deploy/deploy.js';

const here = dirname(fileURLToPath(import.meta.url));
const hopMs = Number(process.argv[2] ?? 20);
const [frames, features, units, classes, hops] = [2, 40, 64, 12, 8];

function seeded(count: number, seed: number, range: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return ((state / 2 ** 31) * 2 - 1) * range;
  });
}

/** One hop [frames, 1, features] → recurrent layer → its last state → dense → softmax, as ONNX. */
function streamingModel(kind: 'GRU' | 'LSTM'): Graph {
  const gates = kind === 'GRU' ? 3 : 4;
  const bytes = buildOnnx({
    opset: 14,
    inputs: [{ name: 'features', shape: [frames, 1, features] }],
    outputs: ['probabilities'],
    initializers: [
      { name: 'W', shape: [1, gates * units, features], values: seeded(gates * units * features, 1, 1 / Math.sqrt(features)) },
      { name: 'R', shape: [1, gates * units, units], values: seeded(gates * units * units, 2, 1 / Math.sqrt(units)) },
      { name: 'B', shape: [1, 2 * gates * units], values: seeded(2 * gates * units, 3, 0.2) },
      { name: 'dense', shape: [units, classes], values: seeded(units * classes, 4, 0.3) },
      { name: 'flat', shape: [2], values: [1, units], type: 'int64' },
    ],
    nodes: [
      {
        op: kind,
        inputs: ['features', 'W', 'R', 'B'],
        outputs: ['', 'last'],
        name: kind.toLowerCase(),
        attributes: { hidden_size: units, ...(kind === 'GRU' ? { linear_before_reset: 1 } : {}) },
      },
      { op: 'Reshape', inputs: ['last', 'flat'], outputs: ['state'], name: 'flatten' },
      { op: 'MatMul', inputs: ['state', 'dense'], outputs: ['logits'], name: 'classifier' },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probabilities'], name: 'softmax', attributes: { axis: 1 } },
    ],
  });
  return readOnnx(bytes);
}

const target = requireBoard('nucleo-l4r5zi');
const rows = [];
for (const kind of ['GRU', 'LSTM'] as const) {
  const float = streamingModel(kind);
  const calibration = syntheticSamples(float, { count: 32, seed: 1, min: -1, max: 1 });
  const { graph } = await runPipeline(float, [{ pass: 'quantize-int8', options: { io: 'int8' } }], { validate: true, resources: { calibration } });
  const name = `streaming_${kind.toLowerCase()}_int8`;
  const common = { name, hash: name, board: virtualM4f, runs: hops, streaming: true } as const;
  const own = await deployGraph(graph, common);
  const onTarget = await deployGraph(graph, { ...common, estimate: { target } });
  const macs = own.model.macs;
  const row = {
    name,
    ops: graph.ops.map((op) => op.type),
    hop: { frames, features, ms: hopMs },
    macs,
    bitExact: own.bitExact && onTarget.bitExact,
    // With the same input every hop, the outputs change from hop to hop only through the kept state.
    stateCarried: !own.runsIdentical,
    arenaBytes: own.arenaBytes,
    instructions: own.latency.value,
    instructionsPerMac: Math.round((own.latency.value / macs) * 100) / 100,
    estimates: [own.estimate, onTarget.estimate].map((estimate) => ({
      board: estimate!.board,
      core: estimate!.core,
      mhz: estimate!.cpuHz / 1e6,
      cycles: estimate!.cycles,
      ms: Math.round(estimate!.ms * 1000) / 1000,
      dutyCycle: Math.round((estimate!.ms / hopMs) * 10000) / 10000,
      source: estimate!.source,
    })),
  };
  rows.push(row);
  console.log(
    `${name}: ${macs.toLocaleString('en-US')} MACs per hop, ${row.instructions.toLocaleString('en-US')} instructions (${row.instructionsPerMac} per MAC), bit-exact ${row.bitExact} over ${hops} hops, state carried ${row.stateCarried}; ` +
      row.estimates.map((e) => `≈ ${e.cycles.toLocaleString('en-US')} cycles ≈ ${e.ms} ms on ${e.board} at ${e.mhz} MHz (estimate), duty cycle ${(e.dutyCycle * 100).toFixed(2)}% of a ${hopMs} ms hop`).join('; '),
  );
}
await writeFile(join(here, 'results.json'), `${JSON.stringify({ hopMs, hops, rows }, null, 2)}\n`);
