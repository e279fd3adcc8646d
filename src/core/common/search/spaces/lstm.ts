import type { SearchSpace } from '../space.js';

/** Recurrent networks for time series (accelerometer windows) and MNIST rows: stacked LSTMs, mean over time, a dense head. */
export const lstmSpace: SearchSpace = {
  name: 'lstm',
  family: 'lstm',
  description: 'stacked LSTM layers, the hidden states averaged over time, an optional dense layer, a classifier',
  parameters: [
    { name: 'layers', type: 'integer', min: 1, max: 3, description: 'LSTM layers' },
    { name: 'hidden', type: 'integer', min: 8, max: 128, step: 8, description: 'hidden units per layer' },
    { name: 'window', type: 'categorical', choices: [16, 24, 32, 48, 64], description: 'time steps per input window (time series only; image rows are fixed)' },
    { name: 'stride', type: 'categorical', choices: [0.25, 0.5, 1], description: 'window stride as a fraction of the window (time series only)' },
    { name: 'head', type: 'categorical', choices: [0, 16, 32, 64], description: 'width of the dense layer before the classifier (0: none)' },
  ],
};
