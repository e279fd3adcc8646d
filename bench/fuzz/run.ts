/**
 * The long fuzzing run: 100,000 cases per target (TFLite importer → analysis → interpreter → C
 * generator; dataset readers; device protocol), every case classified as clean error, crash, hang,
 * OOM or accepted. Writes bench/fuzz/results.json; saves each crash, hang and OOM input under
 * bench/fuzz/findings/ (gitignored). Exits 1 when any case crashed, hung or ran out of memory.
 *
 *   npx tsx bench/fuzz/run.ts [--cases 100000] [--seed 1] [--jobs 2] [--targets tflite,dataset,protocol]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeFindings, runCampaign, type CampaignResult } from '../../test/fuzz/campaign.js';
import { targets, type TargetName } from '../../test/fuzz/targets.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    first: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: String(Math.max(1, Math.min(2, availableParallelism()))) },
    targets: { type: 'string', default: Object.keys(targets).join(',') },
    output: { type: 'string', default: join(here, 'results.json') },
  },
});

const cases = Number(values.cases);
const seed = Number(values.seed);
const jobs = Number(values.jobs);
const names = values.targets.split(',') as TargetName[];
for (const name of names) if (!Object.hasOwn(targets, name)) throw new Error(`unknown target ${name}; targets: ${Object.keys(targets).join(', ')}`);

const results: CampaignResult[] = [];
/** Updates this run's targets in the results file and keeps the others (a run of some targets only, after a fix). */
const write = () => {
  let previous: { targets?: Record<string, unknown> } = {};
  try {
    previous = JSON.parse(readFileSync(values.output, 'utf8'));
  } catch {
    // No results yet.
  }
  const entries = results.map((r) => [
    r.target,
    {
      date: new Date().toISOString(),
      node: process.version,
      seed: r.seed,
      cases: r.cases,
      jobs,
      ...r.counts,
      cleanErrors: r.cleanErrors,
      seconds: r.seconds,
      findings: r.findings.map(({ stack: _stack, ...finding }) => finding),
    },
  ]);
  writeFileSync(values.output, `${JSON.stringify({ targets: { ...previous.targets, ...Object.fromEntries(entries) } }, null, 2)}\n`);
};

for (const name of names) {
  console.log(`${name}: ${cases} cases, seed ${seed}, ${jobs} worker(s)`);
  const result = await runCampaign({
    target: name,
    seed,
    cases,
    first: Number(values.first),
    jobs,
    findingsDir: join(here, 'findings'),
    onProgress: (done, counts) => {
      if (done % 5000 === 0) console.log(`  ${name} ${done}/${cases} ${JSON.stringify(counts)}`);
    },
  });
  results.push(result);
  write();
  const { clean, crash, hang, oom, accepted } = result.counts;
  console.log(`${name}: clean error ${clean}, crash ${crash}, hang ${hang}, OOM ${oom}, accepted ${accepted} (${result.seconds.toFixed(0)} s)`);
  if (result.findings.length > 0) console.log(describeFindings(result));
}
const bad = results.some((r) => r.counts.crash + r.counts.hang + r.counts.oom > 0);
process.exit(bad ? 1 : 0);
