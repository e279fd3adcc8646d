/**
 * Writes the malformed models of the corpus (test/corpus/malformed/*.tflite) from the bundled
 * example model, each broken in one documented way. Run: `npx tsx test/corpus/make-malformed.ts`.
 * The files are committed; this script says how each was made.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { Model } from '../../src/core/common/importers/tflite/schema/tflite.js';
import { repoRoot } from '../testing/shared-data.js';

const source = new Uint8Array(readFileSync(join(repoRoot, 'resources/models/kws_ref_model.tflite')));
const outDir = join(repoRoot, 'test/corpus/malformed');
mkdirSync(outDir, { recursive: true });

const model = Model.getRootAsModel(new flatbuffers.ByteBuffer(source));
const subgraph = model.subgraphs(0)!;
const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Absolute position of element `index` of a table's int32 vector field (vtable slot `slot`). */
function vectorElement(table: { bb: flatbuffers.ByteBuffer | null; bb_pos: number }, slot: number, index: number): number {
  const bb = table.bb!;
  const field = bb.__offset(table.bb_pos, 4 + 2 * slot);
  return bb.__vector(table.bb_pos + field) + 4 * index;
}

function write(name: string, bytes: Uint8Array): void {
  writeFileSync(join(outDir, name), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}

// 1. Cut off in the middle of the weights.
write('truncated.tflite', source.slice(0, 20000));

// 2. Wrong file identifier ("TFL3" at offset 4 replaced).
const wrongMagic = source.slice();
wrongMagic.set([0x58, 0x58, 0x58, 0x58], 4);
write('wrong-magic.tflite', wrongMagic);

// 3. Operator 11 (the FULLY_CONNECTED) reads tensor 93 as its first input; the model has 35 tensors.
const badIndex = source.slice();
view(badIndex).setInt32(vectorElement(subgraph.operators(11)!, 2, 0), 93, true);
write('tensor-index-out-of-range.tflite', badIndex);

// 4. Tensor 1 gets a negative dimension.
const badShape = source.slice();
view(badShape).setInt32(vectorElement(subgraph.tensors(1)!, 0, 0), -3, true);
write('absurd-shape.tflite', badShape);

// 4b. The input tensor claims a billion rows: more elements than any array (or MCU) holds.
const hugeShape = source.slice();
view(hugeShape).setInt32(vectorElement(subgraph.tensors(subgraph.inputs(0)!)!, 0, 1), 1_000_000_000, true);
write('huge-shape.tflite', hugeShape);

// 5. The data vector of tensor 1's buffer claims to run far past the end of the file.
const beyond = source.slice();
const bufferIndex = subgraph.tensors(1)!.buffer();
const buffer = model.buffers(bufferIndex)!;
const lengthPosition = buffer.bb!.__vector(buffer.bb_pos + buffer.bb!.__offset(buffer.bb_pos, 4)) - 4;
view(beyond).setUint32(lengthPosition, source.length, true);
write('buffer-beyond-file.tflite', beyond);

// 6. Not a model at all.
write('not-a-model.tflite', new TextEncoder().encode('PK\u0003\u0004 this is a zip archive, not a model\n'));

// 7. Empty file.
write('empty.tflite', new Uint8Array(0));
