/**
 * The words for a project's "optimize for" setting (types.ts OptimizeFor), the same in the Deploy
 * tab's control and beside every measurement built with it.
 */
import type { OptimizeFor } from '../../../shared/services/types.js';

export const optimizeChoices: readonly { value: OptimizeFor; label: string; meaning: string }[] = [
  {
    value: 'size',
    label: 'Code size',
    meaning: 'a faster kernel only where the whole model can use it, so one kernel per kind of layer is linked (less flash)',
  },
  {
    value: 'speed',
    label: 'Speed',
    meaning: 'each layer gets its fastest kernel for its shape, whatever the model then links (more flash, more scratch RAM)',
  },
];

export function optimizeChoice(value: OptimizeFor): (typeof optimizeChoices)[number] {
  return optimizeChoices.find((choice) => choice.value === value) ?? optimizeChoices[0]!;
}
