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
 *
 * A dataset is untrusted input (it may come from anywhere): every path it names is resolved
 * inside its folder and refused otherwise (see dataset-folder.ts), every file's size is checked
 * against what it claims to hold before it is read, and errors name files, fields and lines but
 * never repeat what a file contains.
 */

import { basename, resolve } from 'node:path';
import { DatasetError } from '../../common/errors.js';
import type { DType, TensorData } from '../../common/ir/types.js';
import { dataFromBytes, dtypeBytes, elementCount, formatShape, sameLayout } from '../../common/ir/tensor.js';
import { DatasetFolder, readWholeFile } from './dataset-folder.js';
import { openIdxFile, readIdxValues, streamIdx } from './idx.js';

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

/**
 * The zero points each stored dtype can have: the dtype's range for integers, and for float32
 * the integers it holds exactly. `stored - zeroPoint` is computed in float32, so a zero point
 * beyond these turns every sample into the same meaningless value.
 */
const zeroPointRanges: Readonly<Record<string, { min: number; max: number }>> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
  int16: { min: -32768, max: 32767 },
  int32: { min: -2147483648, max: 2147483647 },
  float32: { min: -16777216, max: 16777216 },
};

/** float32's smallest normal and largest finite values: a scale outside becomes 0 or Infinity, or loses precision. */
const float32Range = { min: 2 ** -126, max: 3.4028234663852886e38 };

/** Largest dataset.json read (a description is a few hundred bytes). */
export const maxDescriptionBytes = 1 << 20;
/** Largest label CSV read (a million samples' lines is about 40 MiB). */
export const maxLabelCsvBytes = 64 << 20;
/** Largest sample: what no microcontroller model input could ever be. */
export const maxSampleBytes = 256 << 20;

const mib = (bytes: number) => `${bytes / (1 << 20)} MiB`;

/** C0 and C1 control characters and DEL, which a terminal may act on. */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A value from dataset.json for a message: numbers as JavaScript writes them (1e+300, Infinity),
 * anything else as JSON with control characters escaped, cut to 60 characters.
 */
function show(value: unknown): string {
  const text =
    typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * Opens the dataset in `directory`, reading its description and labels (not its samples).
 * A folder that cannot be read as a dataset (missing, not a folder, not readable, no readable
 * dataset.json) gets one message whatever the reason, so that browser mode's `datasets.add`
 * cannot be used to learn which paths exist.
 */
export async function openDataset(directory: string): Promise<Dataset> {
  const root = resolve(directory);
  const name = basename(root);
  const notADatasetFolder = () =>
    new DatasetError(`dataset ${name}: ${root} is not a readable dataset folder (a folder holding a readable dataset.json)`, { path: root });
  const folder = await DatasetFolder.open(root, notADatasetFolder);
  const descriptionPath = folder.resolve('dataset.json', root, 'dataset.json');
  const descriptionFile = await folder.openFile(descriptionPath, descriptionPath, 'dataset.json', notADatasetFolder);
  const bytes = await readWholeFile(descriptionFile, maxDescriptionBytes, (size) =>
    new DatasetError(`${descriptionPath}: ${size} bytes, more than the ${mib(maxDescriptionBytes)} a dataset description may have`, { path: descriptionPath }),
  );
  const description = new DescriptionReader(parseJson(bytes.toString('utf8'), descriptionPath), descriptionPath);
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
  const path = (field: string) => folder.resolve(description.string(field), descriptionPath, `"${field}"`);
  const where = { folder, path: descriptionPath };
  if (layout === 'files') return openFilesDataset(common, where, path('labels'));
  if (layout === 'idx') return openIdxDataset(common, where, path('images'), path('labels'));
  return description.fail(`layout ${show(layout)} is not one of "files", "idx"`);
}

/**
 * JSON.parse with an error that gives the place, not the text: V8's message quotes the text
 * around the mistake, which would repeat a file's contents in the error.
 */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message);
    let where = '';
    if (position) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      where = ` at line ${line} column ${before.length - before.lastIndexOf('\n')}`;
    } else if (/end of (JSON )?input/i.test((error as Error).message)) {
      where = ' (it ends too early)';
    }
    throw new DatasetError(`${path}: not valid JSON${where}`, { path });
  }
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
    const value = Object.hasOwn(this.fields, key) ? this.fields[key] : undefined;
    if (typeof value !== 'string' || value === '') this.fail(`"${key}" must be a non-empty string, got ${show(value)}`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return Object.hasOwn(this.fields, key) && this.fields[key] !== undefined ? this.string(key) : undefined;
  }

  classes(): string[] {
    const value = Object.hasOwn(this.fields, 'classes') ? this.fields.classes : undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((entry) => typeof entry === 'string')) {
      this.fail(`"classes" must be a non-empty array of class names`);
    }
    // Class names are printed in tables and shown in the app: no terminal control sequences.
    const bad = value.findIndex((entry: string) => controlCharacter.test(entry));
    if (bad >= 0) this.fail(`"classes" entry ${bad} contains a control character`);
    return value as string[];
  }

  sampleSpec(): SampleSpec {
    const value = (Object.hasOwn(this.fields, 'sample') ? this.fields.sample : undefined) as Record<string, unknown> | undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail('"sample" must be an object {dtype, shape, scale, zeroPoint}');
    const field = (key: string) => (Object.hasOwn(value, key) ? value[key] : undefined);
    const { dtype, shape, scale = 1, zeroPoint = 0 } = { dtype: field('dtype'), shape: field('shape'), scale: field('scale'), zeroPoint: field('zeroPoint') };
    if (!storedDTypes.includes(dtype as DType)) {
      this.fail(`"sample.dtype" must be one of ${storedDTypes.join(', ')}, got ${show(dtype)}`);
    }
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((dim) => Number.isSafeInteger(dim) && dim > 0)) {
      this.fail(`"sample.shape" must be an array of positive integers, got ${show(shape)}`);
    }
    const sampleBytes = elementCount(shape as number[]) * dtypeBytes(dtype as DType);
    if (sampleBytes > maxSampleBytes) {
      this.fail(`"sample.shape" ${formatShape(shape as number[])} of ${dtype} is ${sampleBytes} bytes per sample, more than the ${mib(maxSampleBytes)} a sample may have`);
    }
    if (typeof scale !== 'number' || !(scale >= float32Range.min && scale <= float32Range.max)) {
      this.fail(`"sample.scale" must be a positive finite number float32 holds (${float32Range.min.toPrecision(2)} to ${float32Range.max.toPrecision(2)}), got ${show(scale)}`);
    }
    const range = zeroPointRanges[dtype as DType];
    if (typeof zeroPoint !== 'number' || !Number.isInteger(zeroPoint) || zeroPoint < range.min || zeroPoint > range.max) {
      const what = dtype === 'float32' ? 'an integer float32 holds exactly' : `an integer in the ${dtype} range`;
      this.fail(`"sample.zeroPoint" must be ${what} (${range.min}..${range.max}), got ${show(zeroPoint)}`);
    }
    return { dtype: dtype as DType, shape: shape as number[], scale, zeroPoint };
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
 * skipped; any other malformed line is a DatasetError naming the file, the line and the field
 * (not the line's text: the CSV could be any file).
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
    if (fields.length !== 3) fail(`expected 3 fields "file,number_of_classes,label", got ${fields.length}`);
    const [file, classCountText, labelText] = fields;
    if (file === '') fail('empty file name');
    if (controlCharacter.test(file)) fail('the file name contains a control character');
    if (!/^\d{1,9}$/.test(classCountText)) fail('number_of_classes is not a whole number');
    if (!/^\d{1,9}$/.test(labelText)) fail('label is not a whole number');
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

/** Where paths in the description came from, for messages about them. */
interface Description {
  folder: DatasetFolder;
  /** dataset.json's path. */
  path: string;
}

async function openFilesDataset(base: DatasetBase, description: Description, labelsPath: string): Promise<Dataset> {
  const { folder } = description;
  const labelsFile = await folder.openFile(labelsPath, description.path, '"labels"', (reason) =>
    new DatasetError(`dataset ${base.name}: cannot read label file ${labelsPath} (${reason})`, { path: labelsPath }),
  );
  const text = (
    await readWholeFile(labelsFile, maxLabelCsvBytes, (size) =>
      new DatasetError(`${labelsPath}: ${size} bytes, more than the ${mib(maxLabelCsvBytes)} a label file may have`, { path: labelsPath }),
    )
  ).toString('utf8');
  const entries = parseLabelCsv(text, labelsPath, base.classes);
  // Every listed path is checked now, so a dataset naming a file outside its folder is refused
  // before any sample is read.
  const paths = entries.map(({ file, line }) => folder.resolve(file, `${labelsPath} line ${line}`, 'sample file'));
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
        const path = paths[index];
        const listed = `${labelsPath} line ${line}`;
        const sample = await folder.openFile(path, listed, 'sample file', (reason) =>
          new DatasetError(`${path} (listed in ${listed}): cannot read sample (${reason})`, { path, line }),
        );
        const bytes = await readWholeFile(sample, sampleBytes, (size) => wrongSize(path, size));
        if (bytes.length !== sampleBytes) throw wrongSize(path, bytes.length);
        yield { index, label, source: file, values: dataFromBytes(dtype, bytes) };
      }
    },
  };

  function wrongSize(path: string, size: number): DatasetError {
    return new DatasetError(`${path}: ${size} bytes, expected ${sampleBytes} (${dtype} ${formatShape(shape)}, from dataset.json)`, {
      path,
      size,
      expected: sampleBytes,
    });
  }
}

/**
 * Checks the image file's header against dataset.json, then the label file's header against
 * the image file's (same count), and only then reads the labels: neither file is decompressed
 * past what the headers, and the other file, say it holds.
 */
async function openIdxDataset(base: DatasetBase, description: Description, imagesPath: string, labelsPath: string): Promise<Dataset> {
  const { folder } = description;
  const opener = (path: string, field: string) => () =>
    folder.openFile(path, description.path, field, (reason) => new DatasetError(`${path}: cannot read (${reason})`, { path }));
  const images = await openIdxFile(imagesPath, opener(imagesPath, '"images"'));
  const { count, itemShape } = images;
  const { dtype, shape } = base.sample;
  if (images.header.dtype !== dtype) {
    throw new DatasetError(`${imagesPath}: stores ${images.header.dtype}, but dataset.json says samples are ${dtype}`, { path: imagesPath });
  }
  if (elementCount(itemShape) !== elementCount(shape)) {
    throw new DatasetError(
      `${imagesPath}: items have shape ${formatShape(itemShape)} (${elementCount(itemShape)} values), ` +
        `but dataset.json says samples are ${formatShape(shape)} (${elementCount(shape)} values)`,
      { path: imagesPath },
    );
  }
  if (!sameLayout(itemShape, shape)) {
    throw new DatasetError(
      `${imagesPath}: items have shape ${formatShape(itemShape)}, but dataset.json says samples are ${formatShape(shape)} ` +
        `(the same ${elementCount(shape)} values in another layout)`,
      { path: imagesPath },
    );
  }
  if (count === 0) throw new DatasetError(`${imagesPath}: holds no items`, { path: imagesPath });

  const labelFile = await openIdxFile(labelsPath, opener(labelsPath, '"labels"'));
  if (labelFile.header.shape.length !== 1) {
    throw new DatasetError(`${labelsPath}: label file has shape ${formatShape(labelFile.header.shape)}, expected one dimension`, { path: labelsPath });
  }
  if (labelFile.count !== count) {
    throw new DatasetError(`dataset ${base.name}: ${imagesPath} holds ${count} items but ${labelsPath} holds ${labelFile.count} labels`, {
      images: count,
      labels: labelFile.count,
    });
  }
  const labels = await readIdxValues(labelFile);
  labels.forEach((label, index) => {
    const value = Number(label);
    if (!Number.isInteger(value) || value < 0 || value >= base.classes.length) {
      throw new DatasetError(
        `${labelsPath} item ${index}: label ${value} is out of range (${base.classes.length} classes: 0..${base.classes.length - 1})`,
        { path: labelsPath, item: index },
      );
    }
  });
  const imagesName = basename(imagesPath);
  return {
    ...base,
    layout: 'idx',
    size: count,
    async *samples({ limit = Infinity } = {}) {
      for await (const { index, item } of streamIdx(images, limit)) {
        yield { index, label: Number(labels[index]), source: `${imagesName} item ${index}`, values: item };
      }
    },
  };
}
