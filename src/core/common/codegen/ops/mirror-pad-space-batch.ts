import { mirrorPad } from '../../ops/mirror-pad.js';
import { batchToSpaceNd, spaceToBatchNd } from '../../ops/space-batch.js';
import { registerLowerer } from '../lowering.js';
import { lowerMulti } from './data-copy.js';

/** MIRROR_PAD, SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND → td_strided_copy calls, from their plans (ops/mirror-pad.ts, ops/space-batch.ts). */
registerLowerer(mirrorPad, lowerMulti);
registerLowerer(spaceToBatchNd, lowerMulti);
registerLowerer(batchToSpaceNd, lowerMulti);
