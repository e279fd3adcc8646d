/** MIRROR_PAD, SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: the strided copies of their plans (ops/mirror-pad.ts, ops/space-batch.ts). */
import { mirrorPad } from '../../ops/mirror-pad.js';
import { batchToSpaceNd, spaceToBatchNd } from '../../ops/space-batch.js';
import { registerKernel } from '../registry.js';
import { multiCopyKernel } from './data-copy.js';

registerKernel(mirrorPad, multiCopyKernel);
registerKernel(spaceToBatchNd, multiCopyKernel);
registerKernel(batchToSpaceNd, multiCopyKernel);
