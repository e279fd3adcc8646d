/**
 * Writes the op coverage corpus: test/corpus/ops/<name>.tflite and <name>.input.bin (every model
 * input, one after the other) for each model of testing/op-models.ts, and its entries in
 * test/models.json (structure and the interpreter's output checksum). Run with
 * `npx tsx test/corpus/make-ops.ts`; the files are committed, so the corpus does not depend on
 * the writer staying the same. Each model's weights and input are seeded from its name, so adding
 * or moving a model leaves every other model's bytes as they were.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportTflite } from '../../src/core/common/exporters/index.js';
import { fnv1a } from '../../src/core/common/ir/checksum.js';
import { bytesOf, elementCount } from '../../src/core/common/ir/tensor.js';
import { corpusEntry, readCorpus, writeCorpus } from './testing/models-json.js';
import { OpModel, opModels, randomData, seeded } from './testing/op-models.js';

/** A seed from the model's name (and what it seeds), independent of where the model stands in the list. */
const seedOf = (name: string, purpose: 'weights' | 'input') => Number.parseInt(fnv1a(new TextEncoder().encode(`${purpose}:${name}`)), 16) | 0;

const directory = join(import.meta.dirname, 'ops');
// Start from an empty folder, so a model taken out of op-models.ts leaves no stale file behind.
for (const file of readdirSync(directory)) rmSync(join(directory, file));
for (const spec of opModels) {
  const model = new OpModel(seeded(seedOf(spec.name, 'weights')));
  spec.build(model);
  const graph = model.graph(spec.name);
  writeFileSync(join(directory, `${spec.name}.tflite`), exportTflite(graph));
  const random = seeded(seedOf(spec.name, 'input'));
  const inputs = spec.inputs?.().map(bytesOf) ?? graph.inputs.map((id) => {
    const data = randomData(graph.tensors[id].dtype, elementCount(graph.tensors[id].shape), random, 4);
    if (spec.positiveInput && data instanceof Float32Array) data.forEach((value, i) => (data[i] = 0.05 + Math.abs(value)));
    return bytesOf(data);
  });
  writeFileSync(join(directory, `${spec.name}.input.bin`), Buffer.concat(inputs));
  console.log(`${spec.name}: ${graph.ops.map((op) => op.type).join(', ')}`);
}

// The corpus entries: each model's entry worked out again in place, new models after the last one, entries of removed models dropped.
const repoDirectory = 'test/corpus/ops';
const ours = (file: string) => file.startsWith(`repo:${repoDirectory}/`);
const fresh = new Map(opModels.map((spec) => [`repo:${repoDirectory}/${spec.name}.tflite`, corpusEntry(directory, repoDirectory, spec.name)]));
const entries = readCorpus().filter((entry) => !ours(entry.file) || fresh.has(entry.file));
const last = entries.findLastIndex((entry) => ours(entry.file));
const added = [...fresh.keys()].filter((file) => !entries.some((entry) => entry.file === file));
entries.splice(last < 0 ? entries.length : last + 1, 0, ...added.map((file) => fresh.get(file)!));
writeCorpus(entries.map((entry) => fresh.get(entry.file) ?? entry));
