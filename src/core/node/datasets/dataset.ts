/**
 * Datasets on disk: a folder with a `dataset.json` that says how samples are stored, what real
 * values they stand for and which classes the labels name. Two layouts:
 *
 * - `files`: one raw little-endian sample file per sample, listed in a label CSV without a
 *   header, one `file,number_of_classes,label` line per sample (the MLPerf Tiny runner's format);
 * - `idx`: an IDX image file and an IDX label file (MNIST), each optionally gzip-compressed.
 *
 * `sample` gives the stored dtype and shape of one sample and its quantization
 * (`real = (stored - zeroPoint) * scale`; both optional, meaning the stored values are real).
 * Samples are read lazily, one at a time, so evaluation memory does not grow with the dataset.
 */

import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DatasetError } from '../../common/errors.js';
import type { DType, TensorData } from '../../common/ir/types.js';
import { dataFromBytes, dtypeBytes, elementCount, formatShape } from '../../common/ir/tensor.js';
import { readIdxFile, readIdxHeader, streamIdx } from './idx.js';

/** How one stored sample looks and what real values it stands for. */
export interface SampleSpec {
  dtype: DType;
  shape: number[];
  /** `real = (stored - zeroPoint) * scale`; 1 when absent. */
  scale: number;
  /** 0 when absent. */
  zeroPoint: number;
}

export interface DatasetSample {
  /** Position in the dataset, from 0. */
  index: number;
  /** Class index into `Dataset.classes`. */
  label: number;
  /** Where the sample came from, for messages ("tst_000001_Left_2.bin", "t10k-images-idx3-ubyte.gz item 7"). */
  source: string;
  /** The stored values, in the dataset's dtype. */
  values: TensorData;
}

export interface Dataset {
  /** The folder's name ("kws01"), used in messages. */
  name: string;
  directory: string;
  description?: string;
  layout: 'files' | 'idx';
  sample: SampleSpec;
  classes: string[];
  /** Number of samples. */
  size: number;
  /** The samples in order, read one at a time; at most `limit` of them. */
  samples(options?: { limit?: number }): AsyncIterable<DatasetSample>;
}

const storedDTypes: readonly DType[] = ['int8', 'uint8', 'int16', 'int32', 'float32'];

/** Opens the dataset in `directory`, reading its description and labels (not its samples). */
export async function openDataset(directory: string): Promise<Dataset> {
  const root = resolve(directory);
  const name = basename(root);
  const descriptionPath = join(root, 'dataset.json');
  const text = await readFile(descriptionPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === 'ENOENT' ? 'no such file; a dataset folder needs a dataset.json' : error.message;
    throw new DatasetError(`dataset ${name}: cannot read ${descriptionPath} (${reason})`, { path: descriptionPath });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`${descriptionPath}: not valid JSON (${(error as Error).message})`, { path: descriptionPath });
  }
  const description = new DescriptionReader(json, descriptionPath);
  const layout = description.string('layout');
  const sample = description.sampleSpec();
  const classes = description.classes();
  const common = {
    name,
    directory: root,
    description: description.optionalString('description'),
    sample,
    classes,
  };
  if (layout === 'files') return openFilesDataset(common, join(root, description.string('labels')));
  if (layout === 'idx') {
    return openIdxDataset(common, join(root, description.string('images')), join(root, description.string('labels')));
  }
  throw new DatasetError(`${descriptionPath}: layout "${layout}" is not one of "files", "idx"`, { path: descriptionPath });
}

type DatasetBase = Pick<Dataset, 'name' | 'directory' | 'description' | 'sample' | 'classes'>;

/** Field access on dataset.json with errors that name the file and the field. */
class DescriptionReader {
  private readonly fields: Record<string, unknown>;
  constructor(
    json: unknown,
    private readonly path: string,
  ) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) this.fail('the top level must be an object');
    this.fields = json as Record<string, unknown>;
  }

  fail(message: string): never {
    throw new DatasetError(`${this.path}: ${message}`, { path: this.path });
  }

  string(key: string): string {
    const value = this.fields[key];
    if (typeof value !== 'string' || value === '') this.fail(`"${key}" must be a non-empty string, got ${JSON.stringify(value)}`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.fields[key] === undefined ? undefined : this.string(key);
  }

  classes(): string[] {
    const value = this.fields.classes;
    if (!Array.isArray(value) || value.length === 0 || !value.every((entry) => typeof entry === 'string')) {
      this.fail(`"classes" must be a non-empty array of class names`);
    }
    return value as string[];
  }

  sampleSpec(): SampleSpec {
    const value = this.fields.sample as Record<string, unknown> | undefined;
    if (typeof value !== 'object' || value === null) this.fail('"sample" must be an object {dtype, shape, scale, zeroPoint}');
    const { dtype, shape, scale = 1, zeroPoint = 0 } = value;
    if (!storedDTypes.includes(dtype as DType)) {
      this.fail(`"sample.dtype" must be one of ${storedDTypes.join(', ')}, got ${JSON.stringify(dtype)}`);
    }
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((dim) => Number.isInteger(dim) && dim > 0)) {
      this.fail(`"sample.shape" must be an array of positive integers, got ${JSON.stringify(shape)}`);
    }
    if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
      this.fail(`"sample.scale" must be a positive number, got ${JSON.stringify(scale)}`);
    }
    if (!Number.isInteger(zeroPoint)) this.fail(`"sample.zeroPoint" must be an integer, got ${JSON.stringify(zeroPoint)}`);
    return { dtype: dtype as DType, shape: shape as number[], scale, zeroPoint: zeroPoint as number };
  }
}

/** One line of a label CSV. */
export interface LabelEntry {
  file: string;
  label: number;
  /** 1-based line in the CSV. */
  line: number;
}

/**
 * Parses a label CSV without a header: `file,number_of_classes,label` per line. Blank lines are
 * skipped; any other malformed line is a DatasetError naming the file and the line.
 */
export function parseLabelCsv(text: string, path: string, classes: readonly string[]): LabelEntry[] {
  const entries: LabelEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const fail = (message: string): never => {
      throw new DatasetError(`${path} line ${line}: ${message}`, { path, line });
    };
    const fields = raw.split(',').map((field) => field.trim());
    if (fields.length !== 3) fail(`expected 3 fields "file,number_of_classes,label", got ${fields.length}: "${raw}"`);
    const [file, classCountText, labelText] = fields;
    if (file === '') fail('empty file name');
    if (!/^\d+$/.test(classCountText)) fail(`number_of_classes "${classCountText}" is not a whole number`);
    if (!/^\d+$/.test(labelText)) fail(`label "${labelText}" is not a whole number`);
    const classCount = Number(classCountText);
    const label = Number(labelText);
    if (classCount !== classes.length) {
      fail(`number_of_classes is ${classCount}, but dataset.json lists ${classes.length} classes`);
    }
    if (label >= classes.length) fail(`label ${label} is out of range (${classes.length} classes: 0..${classes.length - 1})`);
    entries.push({ file, label, line });
  });
  if (entries.length === 0) throw new DatasetError(`${path}: no samples listed`, { path });
  return entries;
}

async function openFilesDataset(base: DatasetBase, labelsPath: string): Promise<Dataset> {
  const text = await readFile(labelsPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new DatasetError(`dataset ${base.name}: cannot read label file ${labelsPath} (${error.code === 'ENOENT' ? 'no such file' : error.message})`, {
      path: labelsPath,
    });
  });
  const entries = parseLabelCsv(text, labelsPath, base.classes);
  const { dtype, shape } = base.sample;
  const sampleBytes = elementCount(shape) * dtypeBytes(dtype);
  return {
    ...base,
    layout: 'files',
    size: entries.length,
    async *samples({ limit = Infinity } = {}) {
      const count = Math.min(limit, entries.length);
      for (let index = 0; index < count; index++) {
        const { file, label, line } = entries[index];
        const path = join(base.directory, file);
        const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
          const reason = error.code === 'ENOENT' ? 'no such file' : error.message;
          throw new DatasetError(`${path} (listed in ${labelsPath} line ${line}): cannot read sample (${reason})`, { path, line });
        });
        if (bytes.length !== sampleBytes) {
          throw new DatasetError(
            `${path}: ${bytes.length} bytes, expected ${sampleBytes} (${dtype} ${formatShape(shape)}, from dataset.json)`,
            { path, size: bytes.length, expected: sampleBytes },
          );
        }
        yield { index, label, source: file, values: dataFromBytes(dtype, bytes) };
      }
    },
  };
}

async function openIdxDataset(base: DatasetBase, imagesPath: string, labelsPath: string): Promise<Dataset> {
  const { header: labelHeader, values: labels } = await readIdxFile(labelsPath);
  if (labelHeader.shape.length !== 1) {
    throw new DatasetError(`${labelsPath}: label file has shape ${formatShape(labelHeader.shape)}, expected one dimension`, { path: labelsPath });
  }
  labels.forEach((label, index) => {
    if (Number(label) < 0 || Number(label) >= base.classes.length) {
      throw new DatasetError(
        `${labelsPath} item ${index}: label ${label} is out of range (${base.classes.length} classes: 0..${base.classes.length - 1})`,
        { path: labelsPath, item: index },
      );
    }
  });
  const imageHeader = await readIdxHeader(imagesPath);
  const [count, ...itemShape] = imageHeader.shape;
  const { dtype, shape } = base.sample;
  if (imageHeader.dtype !== dtype) {
    throw new DatasetError(`${imagesPath}: stores ${imageHeader.dtype}, but dataset.json says samples are ${dtype}`, { path: imagesPath });
  }
  if (elementCount(itemShape) !== elementCount(shape)) {
    throw new DatasetError(
      `${imagesPath}: items have shape ${formatShape(itemShape)} (${elementCount(itemShape)} values), ` +
        `but dataset.json says samples are ${formatShape(shape)} (${elementCount(shape)} values)`,
      { path: imagesPath },
    );
  }
  if (count !== labels.length) {
    throw new DatasetError(`dataset ${base.name}: ${imagesPath} holds ${count} items but ${labelsPath} holds ${labels.length} labels`, {
      images: count,
      labels: labels.length,
    });
  }
  const imagesName = basename(imagesPath);
  return {
    ...base,
    layout: 'idx',
    size: count,
    async *samples({ limit = Infinity } = {}) {
      if (limit <= 0) return;
      for await (const { index, item } of streamIdx(imagesPath, limit)) {
        yield { index, label: Number(labels[index]), source: `${imagesName} item ${index}`, values: item! };
      }
    },
  };
}
