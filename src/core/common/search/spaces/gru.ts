import type { SearchSpace } from '../space.js';

/** The recurrent space with GRU cells (TD_GRU, PyTorch's cell): the LSTM space's shape with a cheaper cell, 3 gates instead of 4. */
export const gruSpace: SearchSpace = {
  name: 'gru',
  family: 'gru',
  description: 'stacked GRU layers, the hidden states averaged over time, an optional dense layer, a classifier',
  parameters: [
    { name: 'layers', type: 'integer', min: 1, max: 3 },
    { name: 'hidden', type: 'integer', min: 8, max: 128, step: 8 },
    { name: 'window', type: 'categorical', choices: [16, 24, 32, 48, 64] },
    { name: 'stride', type: 'categorical', choices: [0.25, 0.5, 1] },
    { name: 'head', type: 'categorical', choices: [0, 16, 32, 64] },
  ],
};
