/**
 * Writes the op coverage corpus: test/corpus/ops/<name>.tflite and <name>.input.bin (every model
 * input, one after the other) for each model of testing/op-models.ts. Run with
 * `npx tsx test/corpus/make-ops.ts`; the files are committed, so the corpus does not depend on
 * the writer staying the same.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportTflite } from '../../src/core/common/exporters/index.js';
import { bytesOf, elementCount } from '../../src/core/common/ir/tensor.js';
import { OpModel, opModels, randomData, seeded } from './testing/op-models.js';

const directory = join(import.meta.dirname, 'ops');
// Start from an empty folder, so a model taken out of op-models.ts leaves no stale file behind.
for (const file of readdirSync(directory)) rmSync(join(directory, file));
opModels.forEach((spec, index) => {
  const model = new OpModel(seeded(1000 + index));
  spec.build(model);
  const graph = model.graph(spec.name);
  writeFileSync(join(directory, `${spec.name}.tflite`), exportTflite(graph));
  const random = seeded(2000 + index);
  const inputs = spec.inputs?.().map(bytesOf) ?? graph.inputs.map((id) => {
    const data = randomData(graph.tensors[id].dtype, elementCount(graph.tensors[id].shape), random, 4);
    if (spec.positiveInput && data instanceof Float32Array) data.forEach((value, i) => (data[i] = 0.05 + Math.abs(value)));
    return bytesOf(data);
  });
  writeFileSync(join(directory, `${spec.name}.input.bin`), Buffer.concat(inputs));
  console.log(`${spec.name}: ${graph.ops.map((op) => op.type).join(', ')}`);
});
