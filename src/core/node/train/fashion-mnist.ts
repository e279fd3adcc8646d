/**
 * Fashion-MNIST as Debian's `dataset-fashion-mnist` installs it: four gzip-compressed IDX files in
 * `/usr/share/datasets/fashion-mnist` (60,000 training and 10,000 test images of 28x28 pixels, ten
 * classes of clothing) and no `dataset.json`. Read as two datasets, the training set and the test
 * set, each like an `idx` dataset folder: samples uint8 [1, 28, 28], real value pixel / 255 (as
 * the MNIST set in ../shared), read lazily through the IDX reader with its size checks.
 *
 * Training uses its own split (`loadTrainingData` with `heldOutSet`): the model trains on the
 * training file (its last `validation` fraction for early stopping) and is measured on the test
 * file, which it never sees.
 */

import { join } from 'node:path';
import { DatasetError } from '../../common/errors.js';
import type { Dataset } from '../datasets/dataset.js';
import { DatasetFolder } from '../datasets/dataset-folder.js';
import { openIdxFile, readIdxValues, streamIdx } from '../datasets/idx.js';

/** Where Debian's package puts the files. */
export const debianFashionMnist = '/usr/share/datasets/fashion-mnist';

export const fashionMnistClasses = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const files = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;

/** The training and test sets in `directory` (Debian's folder by default). */
export async function openFashionMnist(directory = debianFashionMnist): Promise<{ train: Dataset; test: Dataset }> {
  const folder = await DatasetFolder.open(
    directory,
    () => new DatasetError(`${directory} is not a readable folder (Fashion-MNIST: apt-get install dataset-fashion-mnist)`, { path: directory }),
  );
  const part = async (which: 'train' | 'test'): Promise<Dataset> => {
    const [imagesName, labelsName] = files[which];
    const open = (name: string) => {
      const path = folder.resolve(name, directory, name);
      return openIdxFile(path, () => folder.openFile(path, directory, name, (reason) => new DatasetError(`${path}: cannot read (${reason}); Fashion-MNIST: apt-get install dataset-fashion-mnist`, { path })));
    };
    const images = await open(imagesName);
    const labelFile = await open(labelsName);
    if (images.header.dtype !== 'uint8' || images.itemShape.join('x') !== '28x28') {
      throw new DatasetError(`${join(directory, imagesName)}: items are ${images.header.dtype} ${images.itemShape.join('x')}, Fashion-MNIST's are uint8 28x28`);
    }
    if (labelFile.count !== images.count) throw new DatasetError(`${join(directory, labelsName)} holds ${labelFile.count} labels for ${images.count} images`);
    const labels = await readIdxValues(labelFile);
    labels.forEach((label, index) => {
      if (!(Number(label) >= 0 && Number(label) < fashionMnistClasses.length)) throw new DatasetError(`${join(directory, labelsName)} item ${index}: label ${Number(label)} is out of range (10 classes)`);
    });
    return {
      name: `fashion-mnist-${which}`,
      directory,
      description: `Fashion-MNIST ${which === 'train' ? 'training' : 'test'} set (IDX files); pixels 0..255 map to real values pixel/255`,
      layout: 'idx',
      sample: { dtype: 'uint8', shape: [1, 28, 28], scale: 1 / 255, zeroPoint: 0 },
      classes: fashionMnistClasses,
      size: images.count,
      async *samples({ limit = Infinity } = {}) {
        for await (const { index, item } of streamIdx(images, limit)) yield { index, label: Number(labels[index]), source: `${imagesName} item ${index}`, values: item };
      },
    };
  };
  return { train: await part('train'), test: await part('test') };
}
