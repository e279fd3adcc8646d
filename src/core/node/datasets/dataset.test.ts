import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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
    expect(thrown(parse('x.bin,3,0\ny.bin,3\n'))).toMatchObject(datasetError('labels.csv line 2: expected 3 fields "file,number_of_classes,label", got 2: "y.bin,3"'));
    expect(thrown(parse('x.bin,3,zero'))).toMatchObject(datasetError('labels.csv line 1: label "zero" is not a whole number'));
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
      datasetError(`dataset ${directory.split('/').pop()}: cannot read ${join(directory, 'dataset.json')} (no such file; a dataset folder needs a dataset.json)`),
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

  const idxDescription = {
    layout: 'idx',
    images: 'images.idx.gz',
    labels: 'labels.idx',
    sample: { dtype: 'uint8', shape: [2, 2] },
    classes: ['a', 'b'],
  };

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
      datasetError(`${join(notIdx, 'images.idx.gz')}: not an IDX file (starts 68 65 6c 6c; expected 00 00 <type> <rank>)`),
    );
  });
});
