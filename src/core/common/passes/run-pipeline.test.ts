import { describe, expect, it } from 'vitest';
import { PassError, ValidationError } from '../errors.js';
import type { Graph } from '../ir/types.js';
import type { PassOptions } from './pass.js';
import { GraphBuilder } from './testing/pass-test.js';
import { listPipelines } from './pipelines.js';
import { findPass, listPasses, registerPass } from './registry.js';
import { type PipelineProgress, runPipeline } from './run-pipeline.js';

/** x → RELU → RELU → y: one standalone RELU too many, nothing for the built-in passes to do. */
function small(): Graph {
  const b = new GraphBuilder('small');
  const x = b.input('x', 'float32', [2]);
  const h = b.tensor('h', 'float32', [2]);
  const y = b.tensor('y', 'float32', [2]);
  return b.op('RELU', {}, [x], [h]).op('RELU', {}, [h], [y]).output(y).build();
}

// Test passes, registered once for this file (names start with "test-").
registerPass({
  name: 'test-throws',
  description: 'throws a TypeError',
  requires: 'nothing',
  run: () => {
    throw new TypeError('cannot read properties of undefined');
  },
});
registerPass({
  name: 'test-drops-first-op',
  description: 'removes the first op, leaving its output unwritten',
  requires: 'nothing',
  run: (graph) => ({ ...graph, ops: graph.ops.slice(1) }),
});
registerPass({
  name: 'test-mutates-input',
  description: 'renames a tensor in place',
  requires: 'nothing',
  run: (graph) => {
    graph.tensors[0].name = 'renamed';
    return graph;
  },
});
type EchoOptions = { label?: string; count?: number; mode?: string; verbose?: boolean };
registerPass<EchoOptions>({
  name: 'test-echo-options',
  description: 'logs its options and reports three steps',
  requires: 'nothing',
  options: {
    label: { type: 'string', description: 'a label' },
    count: { type: 'number', description: 'a count', default: 3 },
    mode: { type: 'string', description: 'a mode', default: 'fast', choices: ['fast', 'exact'] },
    verbose: { type: 'boolean', description: 'more notes' },
  },
  run: (graph, context) => {
    context.log(JSON.stringify(context.options));
    for (let step = 1; step <= 3; step++) context.progress(step, 3, `step ${step}`);
    return graph;
  },
});
registerPass({
  name: 'test-needs-calibration',
  description: 'reads the calibration samples',
  requires: 'a calibration set',
  resources: ['calibration'],
  run: async (graph, context) => {
    const sample = await context.resources.calibration!.sample(0);
    context.log(`first sample has ${sample.length} input(s)`);
    return graph;
  },
});
const controller = new AbortController();
registerPass({
  name: 'test-cancelled-inside',
  description: 'aborts the run from inside, then checks the signal as a long pass would',
  requires: 'nothing',
  run: (graph, context) => {
    controller.abort(new Error('cancelled by the user'));
    context.signal.throwIfAborted();
    return graph;
  },
});

describe('pass registry and pipelines', () => {
  it('lists the built-in passes with a one-line description and what they require', () => {
    const builtIn = listPasses().filter((pass) => !pass.name.startsWith('test-'));
    // The training passes (core/node/train) register themselves when loaded: present when a test in the same worker loaded them.
    const training = ['distill', 'finetune', 'prune-channels', 'qat-int8'];
    expect(builtIn.map((pass) => pass.name).filter((name) => !training.includes(name))).toEqual([
      'dequantize-hybrid-weights',
      'fold-constants',
      'fold-static-shapes',
      'fold-unrolled-gru',
      'fuse-activation',
      'quantize-int8',
      'remove-dead-code',
      'remove-noop-reshapes',
      'unroll-gru',
    ]);
    for (const pass of builtIn) {
      expect(pass.description).toMatch(/^[a-z].{20,}$/);
      expect(pass.description).not.toContain('\n');
      expect(pass.requires.length).toBeGreaterThan(10);
    }
    expect(builtIn.find((pass) => pass.name === 'fold-constants')!.options).toEqual([
      { name: 'maxBytes', type: 'number', description: 'largest size in bytes of one folded result (default: no limit)' },
    ]);
  });

  it('lists pipelines made of registered passes only', () => {
    const pipelines = listPipelines();
    expect(pipelines.find((p) => p.name === 'cleanup')!.passes).toEqual(['fold-static-shapes', 'fold-constants', 'remove-noop-reshapes', 'fuse-activation', 'remove-dead-code']);
    expect(pipelines.find((p) => p.name === 'hybrid-to-float')!.passes[0]).toBe('dequantize-hybrid-weights');
    for (const pipeline of pipelines) {
      expect(pipeline.description.length).toBeGreaterThan(20);
      for (const name of pipeline.passes) expect(findPass(name), `${pipeline.name}: ${name}`).toBeDefined();
    }
  });

  it('refuses a second registration under the same name', () => {
    expect(() => registerPass({ name: 'fold-constants', description: 'again', requires: '', run: (graph) => graph })).toThrow('pass fold-constants registered twice');
  });
});

describe('runPipeline', () => {
  it('runs a named pipeline, reporting start and end of every pass in order', async () => {
    const events: PipelineProgress[] = [];
    const graph = small();
    const result = await runPipeline(graph, 'cleanup', { validate: true, onProgress: (progress) => events.push(progress) });
    expect(events.map((e) => `${e.index}/${e.count} ${e.pass} ${e.phase}`)).toEqual([
      '0/5 fold-static-shapes start',
      '0/5 fold-static-shapes end',
      '1/5 fold-constants start',
      '1/5 fold-constants end',
      '2/5 remove-noop-reshapes start',
      '2/5 remove-noop-reshapes end',
      '3/5 fuse-activation start',
      '3/5 fuse-activation end',
      '4/5 remove-dead-code start',
      '4/5 remove-dead-code end',
    ]);
    expect(result.graph).toBe(graph);
    expect(result.steps.map((step) => [step.pass, step.changed, step.opsBefore, step.opsAfter])).toEqual([
      ['fold-static-shapes', false, 2, 2],
      ['fold-constants', false, 2, 2],
      ['remove-noop-reshapes', false, 2, 2],
      ['fuse-activation', false, 2, 2],
      ['remove-dead-code', false, 2, 2],
    ]);
  });

  it('wraps an error thrown by a pass in a PassError that names the pass', async () => {
    const error = await runPipeline(small(), ['fold-constants', 'test-throws']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PassError);
    expect((error as PassError).message).toBe('test-throws: TypeError: cannot read properties of undefined');
    expect((error as PassError).data).toEqual({ pass: 'test-throws', cause: { name: 'TypeError', message: 'cannot read properties of undefined' } });
  });

  it('with validate, names the pass that leaves an invalid graph or changes its input', async () => {
    await expect(runPipeline(small(), ['test-drops-first-op'], { validate: true })).rejects.toMatchObject({
      name: 'PassError',
      message: 'test-drops-first-op: left an invalid graph: op 0 (RELU) input 0 uses tensor 1 before any op produces it',
      data: { pass: 'test-drops-first-op', problems: ['op 0 (RELU) input 0 uses tensor 1 before any op produces it'] },
    });
    await expect(runPipeline(small(), ['test-mutates-input'], { validate: true })).rejects.toMatchObject({
      name: 'PassError',
      message: 'test-mutates-input: modified its input graph (a pass must build a new graph)',
    });
    // Without validation the runner trusts the passes.
    expect((await runPipeline(small(), ['test-drops-first-op'])).graph.ops).toHaveLength(1);
  });

  it('refuses an invalid input graph before running anything when validating', async () => {
    const broken = { ...small(), outputs: [7] };
    await expect(runPipeline(broken, 'cleanup', { validate: true })).rejects.toThrow(ValidationError);
  });

  it('checks names, options and resources before running any pass', async () => {
    const check = (pipeline: Parameters<typeof runPipeline>[1], options?: Record<string, PassOptions>) =>
      runPipeline(small(), pipeline, { options }).then(
        () => 'ran',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    expect(await check('tidy')).toBe('PassError: unknown pipeline "tidy"; pipelines: cleanup, hybrid-to-float, quantize-int8, gru-to-builtin');
    // The list names every registered pass in order (the training passes too, once a test in the same worker has loaded them).
    expect(await check(['fold-constants', 'fold-constant'])).toMatch(/^PassError: unknown pass "fold-constant"; passes: dequantize-hybrid-weights, (\S+, )*fold-constants, /);
    expect(await check([{ pass: 'fold-constants', options: { maxByte: 3 } }])).toBe('PassError: fold-constants: unknown option "maxByte"; options: maxBytes');
    expect(await check(['remove-dead-code'], { 'remove-dead-code': { aggressive: true } })).toBe(
      'PassError: remove-dead-code: unknown option "aggressive"; the pass takes no options',
    );
    expect(await check([{ pass: 'fold-constants', options: { maxBytes: '1k' } }])).toBe('PassError: fold-constants: option "maxBytes" is "1k", expected a number');
    expect(await check([{ pass: 'test-echo-options', options: { mode: 'slow' } }])).toBe(
      'PassError: test-echo-options: option "mode" is "slow", expected one of fast, exact',
    );
    expect(await check(['fold-constants', 'test-needs-calibration'])).toBe('PassError: test-needs-calibration: needs the resource "calibration", none was given');
  });

  it('hands a pass its options (defaults, then the entry, then the caller), resources, progress and log', async () => {
    const events: string[] = [];
    const logged: string[] = [];
    const result = await runPipeline(small(), [{ pass: 'test-echo-options', options: { label: 'entry', count: 5 } }, 'test-needs-calibration'], {
      options: { 'test-echo-options': { count: 7, verbose: true } },
      resources: { calibration: { count: 1, sample: async () => [new Float32Array(2)] } },
      onProgress: (p) => events.push(`${p.pass} ${p.phase}${p.phase === 'step' ? ` ${p.done}/${p.total} ${p.detail}` : ''}`),
      onLog: (entry) => logged.push(entry.message),
    });
    expect(result.log).toEqual([
      { pass: 'test-echo-options', level: 'info', message: '{"label":"entry","count":7,"verbose":true,"mode":"fast"}' },
      { pass: 'test-needs-calibration', level: 'info', message: 'first sample has 1 input(s)' },
    ]);
    expect(logged).toEqual(result.log.map((entry) => entry.message));
    expect(events).toEqual([
      'test-echo-options start',
      'test-echo-options step 1/3 step 1',
      'test-echo-options step 2/3 step 2',
      'test-echo-options step 3/3 step 3',
      'test-echo-options end',
      'test-needs-calibration start',
      'test-needs-calibration end',
    ]);
  });

  it('rejects with the abort reason, unwrapped, when cancelled before or during a pass', async () => {
    const before = new AbortController();
    before.abort(new Error('stop'));
    await expect(runPipeline(small(), 'cleanup', { signal: before.signal })).rejects.toThrow(new Error('stop'));
    const error = await runPipeline(small(), ['test-cancelled-inside', 'fold-constants'], { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PassError);
    expect(error).toEqual(new Error('cancelled by the user'));
  });
});
