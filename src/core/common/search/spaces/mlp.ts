import type { SearchSpace } from '../space.js';

/** Multi-layer perceptrons (with an optional 1-D convolution in front) for small sensor tasks. */
export const mlpSpace: SearchSpace = {
  name: 'mlp',
  family: 'mlp',
  description: 'an optional 1-D convolution over time, then fully connected layers and a classifier',
  parameters: [
    { name: 'layers', type: 'integer', min: 1, max: 3, description: 'hidden fully connected layers' },
    { name: 'width', type: 'integer', min: 8, max: 256, step: 8, description: 'units per hidden layer' },
    { name: 'activation', type: 'categorical', choices: ['relu', 'relu6', 'tanh'] },
    { name: 'conv', type: 'categorical', choices: [0, 8, 16, 32], description: 'channels of a 1-D convolution (kernel 5, stride 2) in front (0: none)' },
    { name: 'window', type: 'categorical', choices: [16, 24, 32, 48, 64], description: 'time steps per input window (time series only)' },
    { name: 'stride', type: 'categorical', choices: [0.25, 0.5, 1], description: 'window stride as a fraction of the window (time series only)' },
  ],
};
