import type { SearchSpace } from '../space.js';

/** The recurrent space with GRU cells. The IR and the boards run GRU, but the training engine cannot train one yet: building a candidate is refused until it can. */
export const gruSpace: SearchSpace = {
  name: 'gru',
  family: 'gru',
  description: 'stacked GRU layers (needs a GRU op in the IR), the hidden states averaged over time, an optional dense layer, a classifier',
  parameters: [
    { name: 'layers', type: 'integer', min: 1, max: 3 },
    { name: 'hidden', type: 'integer', min: 8, max: 128, step: 8 },
    { name: 'window', type: 'categorical', choices: [16, 24, 32, 48, 64] },
    { name: 'stride', type: 'categorical', choices: [0.25, 0.5, 1] },
    { name: 'head', type: 'categorical', choices: [0, 16, 32, 64] },
  ],
};
