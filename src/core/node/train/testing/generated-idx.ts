/**
 * A generated IDX dataset for tests of training and streaming: `count` seeded 16x16 uint8 images
 * in 4 classes (a bright quadrant names the class, noise elsewhere), uncompressed files, written
 * to a new folder under the system's temp folder (the caller removes it).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../../common/search/random.js';

export function generatedIdx(count: number, seed = 7): string {
  const folder = mkdtempSync(join(tmpdir(), 'td-idx-'));
  const random = seededRandom(seed);
  const images = Buffer.alloc(16 + count * 256);
  images.set([0, 0, 8, 3]);
  images.writeUInt32BE(count, 4);
  images.writeUInt32BE(16, 8);
  images.writeUInt32BE(16, 12);
  const labels = Buffer.alloc(8 + count);
  labels.set([0, 0, 8, 1]);
  labels.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i++) {
    const label = Math.floor(random() * 4);
    labels[8 + i] = label;
    for (let p = 0; p < 256; p++) {
      const quadrant = (Math.floor(p / 128) << 1) | Math.floor((p % 16) / 8);
      images[16 + i * 256 + p] = quadrant === label ? 160 + Math.floor(random() * 96) : Math.floor(random() * 120);
    }
  }
  writeFileSync(join(folder, 'images.idx'), images);
  writeFileSync(join(folder, 'labels.idx'), labels);
  writeFileSync(
    join(folder, 'dataset.json'),
    JSON.stringify({ layout: 'idx', images: 'images.idx', labels: 'labels.idx', sample: { dtype: 'uint8', shape: [1, 16, 16], scale: 1 / 255, zeroPoint: 0 }, classes: ['a', 'b', 'c', 'd'] }),
  );
  return folder;
}
