import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedModels, sharedPath } from '../../../../test/testing/shared-data.js';
import { loadModelFile } from '../model-file.js';
import { openDataset, parseLabelCsv } from './dataset.js';
import type { Dataset, DatasetSample } from './dataset.js';
import { sampleConverter } from './sample-input.js';

const kws01 = sharedPath('datasets/kws01');
const mnist = sharedPath('datasets/mnist');

async function collect(dataset: Dataset, limit?: number): Promise<DatasetSample[]> {
  const samples: DatasetSample[] = [];
  for await (const sample of dataset.samples({ limit })) samples.push(sample);
  return samples;
}

/** What an expected DatasetError looks like: its class and its exact message. */
const datasetError = (message: string) => ({ name: 'DatasetError', message });

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-datasets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let scratchCount = 0;

/** A dataset folder in a temporary directory with the given files. */
function makeDataset(files: Record<string, string | Uint8Array | object>): string {
  const directory = join(scratch, `case${scratchCount++}`);
  mkdirSync(directory);
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content);
    writeFileSync(join(directory, name), bytes);
  }
  return directory;
}

/** An IDX file: header for `shape` (uint8 items) then `body`. */
function idxBytes(shape: number[], body: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  return new Uint8Array([...header, ...body]);
}

const filesDescription = {
  layout: 'files',
  labels: 'labels.csv',
  sample: { dtype: 'int8', shape: [2, 2], scale: 0.5, zeroPoint: 1 },
  classes: ['a', 'b', 'c'],
};

const idxDescription = {
  layout: 'idx',
  images: 'images.idx.gz',
  labels: 'labels.idx',
  sample: { dtype: 'uint8', shape: [2, 2] },
  classes: ['a', 'b'],
};

describe('openDataset: the shared datasets', () => {
  it('kws01 (files layout) reads the label CSV and yields the raw samples TFLite Micro was fed', async () => {
    const dataset = await openDataset(kws01);
    expect(dataset).toMatchObject({ name: 'kws01', layout: 'files', size: 1000 });
    expect(dataset.sample).toEqual({ dtype: 'int8', shape: [1, 49, 10, 1], scale: 0.5847029089927673, zeroPoint: 83 });
    expect(dataset.classes).toHaveLength(12);
    const samples = await collect(dataset, 20);
    expect(samples[0]).toMatchObject({ index: 0, label: 7, source: 'tst_000000_Stop_7.bin' });
    expect(samples[1]).toMatchObject({ index: 1, label: 2, source: 'tst_000001_Left_2.bin' });
    samples.forEach((sample, i) => {
      const expected = readFileSync(sharedPath(`vectors/real/kws_ref_model/in_${String(i).padStart(3, '0')}.bin`));
      expect(Buffer.from(sample.values.buffer)).toEqual(expected);
    });
  });

  it('mnist (idx layout, gzip) streams all 10,000 images with their labels', async () => {
    const dataset = await openDataset(mnist);
    expect(dataset).toMatchObject({ name: 'mnist', layout: 'idx', size: 10_000 });
    let count = 0;
    const labels: number[] = [];
    for await (const sample of dataset.samples()) {
      expect(sample.index).toBe(count);
      expect(sample.values).toHaveLength(784);
      if (count < 5) labels.push(sample.label);
      count++;
    }
    expect(count).toBe(10_000);
    expect(labels).toEqual([7, 2, 1, 0, 4]);
  });

  it('mnist images quantized for trained_lstm_int8 equal the inputs TFLite Micro was fed', async () => {
    const dataset = await openDataset(mnist);
    const graph = await loadModelFile(sharedModels.trained_lstm_int8);
    const convert = sampleConverter(dataset.name, dataset.sample, graph.tensors[graph.inputs[0]]);
    const samples = await collect(dataset, 10);
    expect(samples.map((sample) => sample.source)).toContain('t10k-images-idx3-ubyte.gz item 9');
    samples.forEach((sample, i) => {
      const expected = readFileSync(sharedPath(`vectors/real/trained_lstm_int8/in_${String(i).padStart(3, '0')}.bin`));
      const input = convert(sample.values);
      expect(input).toBeInstanceOf(Int8Array);
      expect(Buffer.from(input.buffer)).toEqual(expected);
    });
  });
});

describe('parseLabelCsv', () => {
  const classes = ['a', 'b', 'c'];
  const parse = (text: string) => () => parseLabelCsv(text, 'labels.csv', classes);

  it('reads file,number_of_classes,label lines and skips blank ones', () => {
    expect(parseLabelCsv('x.bin,3,0\r\n\ny.bin, 3 ,2\n', 'labels.csv', classes)).toEqual([
      { file: 'x.bin', label: 0, line: 1 },
      { file: 'y.bin', label: 2, line: 3 },
    ]);
  });

  it('names the file and line of a bad row', () => {
    expect(thrown(parse('x.bin,3,0\ny.bin,3\n'))).toMatchObject(datasetError('labels.csv line 2: expected 3 fields "file,number_of_classes,label", got 2'));
    expect(thrown(parse('x.bin,3,zero'))).toMatchObject(datasetError('labels.csv line 1: label is not a whole number'));
    expect(thrown(parse('x.bin,3,0\nx.bin,3,3'))).toMatchObject(datasetError('labels.csv line 2: label 3 is out of range (3 classes: 0..2)'));
    expect(thrown(parse('x.bin,12,0'))).toMatchObject(datasetError('labels.csv line 1: number_of_classes is 12, but dataset.json lists 3 classes'));
    expect(thrown(parse(',3,0'))).toMatchObject(datasetError('labels.csv line 1: empty file name'));
    expect(thrown(parse('\n\n'))).toMatchObject(datasetError('labels.csv: no samples listed'));
  });
});

describe('openDataset: broken folders', () => {
  it('refuses a folder without dataset.json', async () => {
    const directory = makeDataset({});
    await expect(openDataset(directory)).rejects.toMatchObject(
      datasetError(`dataset ${directory.split('/').pop()}: ${directory} is not a readable dataset folder (a folder holding a readable dataset.json)`),
    );
  });

  it('refuses a description with a bad field, naming the field', async () => {
    const directory = makeDataset({ 'dataset.json': { ...filesDescription, sample: { dtype: 'int4', shape: [2, 2] } } });
    await expect(openDataset(directory)).rejects.toThrow(
      `${join(directory, 'dataset.json')}: "sample.dtype" must be one of int8, uint8, int16, int32, float32, got "int4"`,
    );
    const badLayout = makeDataset({ 'dataset.json': { ...filesDescription, layout: 'tfrecord' } });
    await expect(openDataset(badLayout)).rejects.toThrow('layout "tfrecord" is not one of "files", "idx"');
  });

  it('names a listed sample file that is missing or has the wrong size', async () => {
    const directory = makeDataset({
      'dataset.json': filesDescription,
      'labels.csv': 'one.bin,3,1\ntwo.bin,3,2\nthree.bin,3,0\n',
      'one.bin': new Uint8Array([1, 2, 3, 4]),
      'two.bin': new Uint8Array([1, 2, 3]),
    });
    const dataset = await openDataset(directory);
    const samples = dataset.samples()[Symbol.asyncIterator]();
    expect((await samples.next()).value).toMatchObject({ index: 0, label: 1, values: new Int8Array([1, 2, 3, 4]) });
    await expect(samples.next()).rejects.toMatchObject(
      datasetError(`${join(directory, 'two.bin')}: 3 bytes, expected 4 (int8 [2,2], from dataset.json)`),
    );
    writeFileSync(join(directory, 'two.bin'), new Uint8Array(4));
    await expect(collect(dataset)).rejects.toMatchObject(
      datasetError(`${join(directory, 'three.bin')} (listed in ${join(directory, 'labels.csv')} line 3): cannot read sample (no such file)`),
    );
  });

  it('reads a small IDX dataset, compressed or not', async () => {
    const images = idxBytes([3, 2, 2], new Uint8Array(12).map((_, i) => i));
    const directory = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(images),
      'labels.idx': idxBytes([3], new Uint8Array([1, 0, 1])),
    });
    const samples = await collect(await openDataset(directory));
    expect(samples.map((sample) => [sample.label, [...sample.values]])).toEqual([
      [1, [0, 1, 2, 3]],
      [0, [4, 5, 6, 7]],
      [1, [8, 9, 10, 11]],
    ]);
  });

  it('names a truncated image file, a label out of range and a count mismatch', async () => {
    const truncated = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(10))),
      'labels.idx': idxBytes([3], new Uint8Array([1, 0, 1])),
    });
    await expect(collect(await openDataset(truncated))).rejects.toMatchObject(
      datasetError(`${join(truncated, 'images.idx.gz')}: file ends after 2 of 3 items (truncated)`),
    );
    const badLabel = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(12))),
      'labels.idx': idxBytes([3], new Uint8Array([1, 2, 1])),
    });
    await expect(openDataset(badLabel)).rejects.toMatchObject(
      datasetError(`${join(badLabel, 'labels.idx')} item 1: label 2 is out of range (2 classes: 0..1)`),
    );
    const mismatch = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(12))),
      'labels.idx': idxBytes([2], new Uint8Array([1, 0])),
    });
    await expect(openDataset(mismatch)).rejects.toThrow(
      `holds 3 items but ${join(mismatch, 'labels.idx')} holds 2 labels`,
    );
    const notIdx = makeDataset({ 'dataset.json': idxDescription, 'images.idx.gz': 'hello', 'labels.idx': idxBytes([1], new Uint8Array([0])) });
    await expect(openDataset(notIdx)).rejects.toMatchObject(
      datasetError(`${join(notIdx, 'images.idx.gz')}: not an IDX file (an IDX file starts with two zero bytes, then its type and rank)`),
    );
  });
});

/**
 * A gzip file of `header` followed by `zeroMiB` MiB of zero bytes, made without ever holding the
 * zeros: one deflated MiB of zeros repeated (each piece is flushed to a byte boundary and refers
 * to nothing before it, so pieces concatenate). Its CRC is left wrong on purpose: a reader that
 * decompressed to the end would report corrupt data instead of the error a test expects.
 */
function gzipBomb(header: Uint8Array, zeroMiB: number): Buffer {
  const flush = { finishFlush: constants.Z_FULL_FLUSH };
  const zeros = deflateRawSync(Buffer.alloc(1 << 20), flush);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(0, 0);
  trailer.writeUInt32LE((header.length + zeroMiB * (1 << 20)) % 2 ** 32, 4);
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]),
    deflateRawSync(header, flush),
    ...Array.from({ length: zeroMiB }, () => zeros),
    deflateRawSync(Buffer.alloc(0)),
    trailer,
  ]);
}

describe('openDataset: paths from dataset files stay inside the folder', () => {
  const leaves = (directory: string, where: string, field: string, value: string) =>
    datasetError(`${where}: ${field} ${JSON.stringify(value)} leaves the dataset folder ${directory} (paths in a dataset must stay inside its folder)`);

  it('refuses "labels" and "images" that leave the folder, without reading them or echoing them', async () => {
    const traversal = '../../../../../etc/passwd';
    for (const [layout, field] of [['files', 'labels'], ['idx', 'labels'], ['idx', 'images']] as const) {
      const description = layout === 'files' ? { ...filesDescription } : { ...idxDescription };
      const directory = makeDataset({ 'dataset.json': { ...description, [field]: traversal } });
      const error = await openDataset(directory).catch((caught: unknown) => caught);
      expect(error).toMatchObject(leaves(directory, join(directory, 'dataset.json'), `"${field}"`, traversal));
      expect((error as Error).message).not.toContain('root:');
    }
    // Absolute paths, POSIX or Windows, leave it too; a valid CSV one level up is not followed.
    writeFileSync(join(scratch, 'outside.csv'), 'outside.bin,3,0\n');
    for (const value of ['/etc/passwd', 'C:\\Windows\\win.ini', '\\\\server\\share\\labels.csv', '../outside.csv', 'sub/../../outside.csv']) {
      const directory = makeDataset({ 'dataset.json': { ...filesDescription, labels: value } });
      await expect(openDataset(directory)).rejects.toMatchObject(leaves(directory, join(directory, 'dataset.json'), '"labels"', value));
    }
    const control = makeDataset({ 'dataset.json': { ...filesDescription, labels: 'labels\u001b]0;owned\u0007.csv' } });
    await expect(openDataset(control)).rejects.toMatchObject(
      datasetError(`${join(control, 'dataset.json')}: "labels" contains a control character; paths in a dataset are plain relative file names`),
    );
  });

  it('refuses, when the dataset is opened, a sample path in the label CSV that leaves the folder', async () => {
    writeFileSync(join(scratch, 'outside.bin'), new Uint8Array(4));
    const directory = makeDataset({
      'dataset.json': filesDescription,
      'labels.csv': 'one.bin,3,1\n../outside.bin,3,0\n',
      'one.bin': new Uint8Array(4),
    });
    await expect(openDataset(directory)).rejects.toMatchObject(
      leaves(directory, `${join(directory, 'labels.csv')} line 2`, 'sample file', '../outside.bin'),
    );
  });

  it('refuses symbolic links that lead out of the folder, and follows those that stay inside', async () => {
    writeFileSync(join(scratch, 'linked.csv'), 'one.bin,3,1\n');
    writeFileSync(join(scratch, 'linked.bin'), new Uint8Array(4));
    const linkedLabels = makeDataset({ 'dataset.json': filesDescription });
    symlinkSync(join(scratch, 'linked.csv'), join(linkedLabels, 'labels.csv'));
    await expect(openDataset(linkedLabels)).rejects.toMatchObject(
      datasetError(`${join(linkedLabels, 'dataset.json')}: "labels" leads out of the dataset folder ${linkedLabels} through a symbolic link`),
    );
    const linkedSample = makeDataset({ 'dataset.json': filesDescription, 'labels.csv': 'one.bin,3,1\ntwo.bin,3,2\n', 'data.bin': new Uint8Array([5, 6, 7, 8]) });
    symlinkSync('data.bin', join(linkedSample, 'one.bin'));
    symlinkSync(join(scratch, 'linked.bin'), join(linkedSample, 'two.bin'));
    const samples = (await openDataset(linkedSample)).samples()[Symbol.asyncIterator]();
    expect((await samples.next()).value).toMatchObject({ index: 0, values: new Int8Array([5, 6, 7, 8]) });
    await expect(samples.next()).rejects.toMatchObject(
      datasetError(`${join(linkedSample, 'labels.csv')} line 2: sample file leads out of the dataset folder ${linkedSample} through a symbolic link`),
    );
  });

  it('reads only regular files: a FIFO listed as a sample is refused instead of blocking', async () => {
    const directory = makeDataset({ 'dataset.json': filesDescription, 'labels.csv': 'pipe.bin,3,1\n' });
    execFileSync('mkfifo', [join(directory, 'pipe.bin')]);
    await expect(collect(await openDataset(directory))).rejects.toMatchObject(
      datasetError(`${join(directory, 'pipe.bin')} (listed in ${join(directory, 'labels.csv')} line 1): cannot read sample (not a regular file)`),
    );
  });

  it('gives one message for every folder it cannot read, whatever the reason', async () => {
    const plainFile = join(scratch, 'plain-file');
    writeFileSync(plainFile, 'not a folder');
    const descriptionIsAFolder = makeDataset({});
    mkdirSync(join(descriptionIsAFolder, 'dataset.json'));
    const candidates = [join(scratch, 'missing'), join(scratch, 'missing', 'deeper'), plainFile, join(plainFile, 'below'), makeDataset({}), descriptionIsAFolder];
    for (const path of candidates) {
      await expect(openDataset(path)).rejects.toMatchObject(
        datasetError(`dataset ${basename(path)}: ${path} is not a readable dataset folder (a folder holding a readable dataset.json)`),
      );
    }
  });

  it('never repeats file contents in its errors', async () => {
    const secret = 'root:x:0:0:SECRET:/root:/bin/bash';
    const notJson = makeDataset({ 'dataset.json': `{"layout": "files",\n  ${secret}` });
    const jsonError = await openDataset(notJson).catch((caught: unknown) => caught);
    expect(jsonError).toMatchObject(datasetError(`${join(notJson, 'dataset.json')}: not valid JSON at line 2 column 3`));
    const csv = makeDataset({ 'dataset.json': filesDescription, 'labels.csv': `${secret}\n` });
    const csvError = await openDataset(csv).catch((caught: unknown) => caught);
    expect(csvError).toMatchObject(datasetError(`${join(csv, 'labels.csv')} line 1: expected 3 fields "file,number_of_classes,label", got 1`));
    const fields = makeDataset({ 'dataset.json': filesDescription, 'labels.csv': `a.bin,${secret},SECRET\n` });
    const fieldError = await openDataset(fields).catch((caught: unknown) => caught);
    expect(fieldError).toMatchObject(datasetError(`${join(fields, 'labels.csv')} line 1: number_of_classes is not a whole number`));
    for (const error of [jsonError, csvError, fieldError]) expect((error as Error).message).not.toContain('SECRET');
  });
});

describe('openDataset: IDX sizes are held to their headers', () => {
  const idxHeader = (shape: number[]) => idxBytes(shape, new Uint8Array(0));

  it('refuses an image file that cannot hold the items its header declares, before reading the labels', async () => {
    // The case: 16 bytes of images claiming 2^30 items, and a 1 MiB gzip of 2^30 labels.
    const directory = makeDataset({
      'dataset.json': { ...idxDescription, labels: 'labels.idx.gz', images: 'images.idx' },
      'images.idx': idxHeader([2 ** 30, 2, 2]),
      'labels.idx.gz': gzipBomb(idxHeader([2 ** 30]), 1024),
    });
    await expect(openDataset(directory)).rejects.toMatchObject(
      datasetError(
        `${join(directory, 'images.idx')}: its header declares 1073741824 items of uint8 [2,2] (4294967312 bytes with the header), ` +
          'but the file has 16 bytes (truncated)',
      ),
    );
    const compressed = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(idxHeader([2 ** 30, 2, 2])),
      'labels.idx': idxHeader([1]),
    });
    const size = gzipSync(idxHeader([2 ** 30, 2, 2])).length;
    await expect(openDataset(compressed)).rejects.toMatchObject(
      datasetError(
        `${join(compressed, 'images.idx.gz')}: its header declares 1073741824 items of uint8 [2,2] (4294967312 bytes with the header), ` +
          `more than a gzip file of ${size} bytes can hold (at most ${1032 * size})`,
      ),
    );
  });

  it('stops decompressing a label file as soon as it holds more than its header declares', async () => {
    const directory = makeDataset({
      'dataset.json': { ...idxDescription, labels: 'labels.idx.gz' },
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(12))),
      'labels.idx.gz': gzipBomb(idxHeader([3]), 1024),
    });
    expect(statSync(join(directory, 'labels.idx.gz')).size).toBeLessThan(2 << 20);
    await expect(openDataset(directory)).rejects.toMatchObject(
      datasetError(
        `${join(directory, 'labels.idx.gz')}: holds more data than its header declares (3 items of uint8 [], 11 bytes with the header); reading stopped there`,
      ),
    );
  });

  it('refuses a label file whose count disagrees with the images before decompressing it', async () => {
    const directory = makeDataset({
      'dataset.json': { ...idxDescription, labels: 'labels.idx.gz' },
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(12))),
      'labels.idx.gz': gzipBomb(idxHeader([2 ** 30]), 1024),
    });
    await expect(openDataset(directory)).rejects.toMatchObject(
      datasetError(`dataset ${basename(directory)}: ${join(directory, 'images.idx.gz')} holds 3 items but ${join(directory, 'labels.idx.gz')} holds 1073741824 labels`),
    );
  });

  it('refuses plain files of the wrong size and image data past the declared items', async () => {
    const longLabels = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(12))),
      'labels.idx': idxBytes([3], new Uint8Array([1, 0, 1, 1])),
    });
    await expect(openDataset(longLabels)).rejects.toMatchObject(
      datasetError(`${join(longLabels, 'labels.idx')}: its header declares 3 items of uint8 [] (11 bytes with the header), but the file has 12 bytes (extra data after the items)`),
    );
    const longImages = makeDataset({
      'dataset.json': idxDescription,
      'images.idx.gz': gzipSync(idxBytes([3, 2, 2], new Uint8Array(13))),
      'labels.idx': idxBytes([3], new Uint8Array([1, 0, 1])),
    });
    const dataset = await openDataset(longImages);
    expect(await collect(dataset, 2)).toHaveLength(2);
    await expect(collect(dataset)).rejects.toMatchObject(
      datasetError(`${join(longImages, 'images.idx.gz')}: holds more data than its header declares (3 items of uint8 [2,2], 28 bytes with the header); reading stopped there`),
    );
    const empty = makeDataset({ 'dataset.json': idxDescription, 'images.idx.gz': gzipSync(idxHeader([0, 2, 2])), 'labels.idx': idxHeader([0]) });
    await expect(openDataset(empty)).rejects.toMatchObject(datasetError(`${join(empty, 'images.idx.gz')}: holds no items`));
  });

  it('refuses image items laid out differently from dataset.json\'s sample shape', async () => {
    const directory = makeDataset({
      'dataset.json': { ...idxDescription, sample: { dtype: 'uint8', shape: [2, 3] } },
      'images.idx.gz': gzipSync(idxBytes([1, 3, 2], new Uint8Array(6))),
      'labels.idx': idxBytes([1], new Uint8Array([0])),
    });
    await expect(openDataset(directory)).rejects.toMatchObject(
      datasetError(`${join(directory, 'images.idx.gz')}: items have shape [3,2], but dataset.json says samples are [2,3] (the same 6 values in another layout)`),
    );
  });
});

describe('openDataset: sample quantization in dataset.json', () => {
  const refused = async (sample: object, message: string) => {
    const directory = makeDataset({ 'dataset.json': { ...filesDescription, sample: { dtype: 'int8', shape: [2, 2], ...sample } } });
    await expect(openDataset(directory)).rejects.toMatchObject(datasetError(`${join(directory, 'dataset.json')}: ${message}`));
  };

  it('refuses a zero point outside the stored dtype\'s range, naming the field and the value', async () => {
    await refused({ zeroPoint: 1e300 }, '"sample.zeroPoint" must be an integer in the int8 range (-128..127), got 1e+300');
    await refused({ zeroPoint: 128 }, '"sample.zeroPoint" must be an integer in the int8 range (-128..127), got 128');
    await refused({ zeroPoint: 0.5 }, '"sample.zeroPoint" must be an integer in the int8 range (-128..127), got 0.5');
    await refused({ dtype: 'uint8', zeroPoint: -1 }, '"sample.zeroPoint" must be an integer in the uint8 range (0..255), got -1');
    await refused({ dtype: 'float32', zeroPoint: 2 ** 25 }, '"sample.zeroPoint" must be an integer float32 holds exactly (-16777216..16777216), got 33554432');
  });

  it('refuses a scale that is not a positive number float32 holds, naming the value', async () => {
    const must = '"sample.scale" must be a positive finite number float32 holds (1.2e-38 to 3.4e+38), got';
    await refused({ scale: 0 }, `${must} 0`);
    await refused({ scale: -0.5 }, `${must} -0.5`);
    await refused({ scale: 1e300 }, `${must} 1e+300`);
    await refused({ scale: 1e-50 }, `${must} 1e-50`);
    await refused({ scale: '0.5' }, `${must} "0.5"`);
  });

  it('refuses a sample larger than any model input could be', async () => {
    await refused({ shape: [65536, 65536] }, '"sample.shape" [65536,65536] of int8 is 4294967296 bytes per sample, more than the 256 MiB a sample may have');
  });
});
