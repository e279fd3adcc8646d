import { optimizeGoals, type OptimizeFor } from '../core/common/codegen/index.js';
import { stringOption, type ParsedArgs } from './args.js';

/** `--optimize`: what the code generator favours where kernels trade code for speed, the same in every command that generates code. */
export const optimizeOptionSpec = {
  type: 'string',
  value: 'size|speed',
  choices: optimizeGoals,
  description:
    'size (default): a faster kernel only where the whole model can use it, so one kernel per kind of layer is linked (less flash); ' +
    'speed: each layer gets its fastest kernel for its shape, whatever the model then links (more flash and scratch RAM)',
} as const;

/** The goal `--optimize` names (default `size`; the parser has refused any other value, naming it). */
export function optimizeOption(args: ParsedArgs): OptimizeFor {
  return (stringOption(args, 'optimize') as OptimizeFor | undefined) ?? 'size';
}
