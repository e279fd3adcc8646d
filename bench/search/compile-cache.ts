/**
 * What the compiled-object cache saves a search trial: the firmware of one search candidate (a
 * 2 x 32 int8 LSTM over 32 steps of 3 channels, the profiler runtime, virtual-m4f) written and
 * built `--builds` times in new folders (as every trial does), with the cache off and then with
 * it on (its first build fills a fresh cache folder, the others read it), side by side in turn.
 * Checks that every build's ELF is byte-identical to the uncached one.
 *
 *   npx tsx bench/search/compile-cache.ts [--builds 3]
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { virtualM4f } from '../../src/core/common/boards/index.js';
import { generateModel } from '../../src/core/common/codegen/index.js';
import { lstmGraph } from '../../src/core/common/interp/kernels/testing/lstm-model.js';
import { buildFirmwareProject, writeFirmwareProject } from '../../src/core/node/toolchain/project.js';

const { values } = parseArgs({ options: { builds: { type: 'string', default: '3' } } });
const builds = Number(values.builds);
const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-cache-bench-'));
process.env.TINYDEPLOY_CACHE_DIR = join(scratch, 'cache');
const model = generateModel(lstmGraph({ dtype: 'int8', batch: 1, time: 32, inputSize: 3, units: 32 }), { modelName: 'lstm', dsp: true });

async function build(name: string, cached: boolean): Promise<{ ms: number; elf: Buffer; sources: number }> {
  process.env.TINYDEPLOY_COMPILE_CACHE = cached ? 'on' : 'off';
  const project = await writeFirmwareProject(model, join(scratch, name), { board: virtualM4f, application: 'profiler' });
  const started = performance.now();
  const result = await buildFirmwareProject(project);
  return { ms: performance.now() - started, elf: await readFile(result.elf), sources: project.sources.length };
}

const times = { off: [] as number[], on: [] as number[] };
let reference: Buffer | undefined;
let sources = 0;
for (let i = 0; i < builds + 1; i++) {
  for (const cached of [false, true]) {
    const result = await build(`${cached ? 'on' : 'off'}-${i}`, cached);
    reference ??= result.elf;
    sources = result.sources;
    if (!result.elf.equals(reference)) throw new Error(`build ${i} (cache ${cached ? 'on' : 'off'}) differs from the first uncached build`);
    // The first cached build fills the cache: reported apart.
    if (cached && i === 0) console.log(`first build, cache filling: ${(result.ms / 1000).toFixed(2)} s`);
    else times[cached ? 'on' : 'off'].push(result.ms);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`${sources} sources; median of ${builds} builds: cache off ${(median(times.off) / 1000).toFixed(2)} s, on ${(median(times.on) / 1000).toFixed(2)} s (${(median(times.off) / median(times.on)).toFixed(1)}x); every ELF byte-identical`);
await rm(scratch, { recursive: true, force: true });
