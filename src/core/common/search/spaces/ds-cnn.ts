import type { SearchSpace } from '../space.js';

/** The keyword-spotting family (Zhang et al.'s DS-CNN) for kws01-shaped inputs and Fashion-MNIST: a first convolution, depthwise-separable blocks, global average pooling, a classifier. */
export const dsCnnSpace: SearchSpace = {
  name: 'ds-cnn',
  family: 'ds-cnn',
  description: 'a strided first convolution, depthwise-separable blocks, global average pooling, a classifier',
  parameters: [
    { name: 'blocks', type: 'integer', min: 2, max: 6, description: 'depthwise-separable blocks' },
    { name: 'channels', type: 'integer', min: 8, max: 128, step: 8, description: 'channels of the first convolution' },
    { name: 'growth', type: 'categorical', choices: [1, 1.5, 2], description: 'channels of the last block over the first (linear in between)' },
    { name: 'firstKernel', type: 'categorical', choices: [3, 5, 7], description: 'kernel size of the first convolution' },
    { name: 'firstStride', type: 'categorical', choices: [1, 2], description: 'stride of the first convolution' },
    { name: 'kernel', type: 'categorical', choices: [3, 5], description: 'depthwise kernel size' },
    { name: 'downsample', type: 'integer', min: 0, max: 2, description: 'blocks (from the first) whose depthwise layer has stride 2' },
  ],
};
