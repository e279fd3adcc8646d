import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../test/testing/tools.js';
import { virtualM4f } from '../../common/boards/index.js';
import { virtualBoardTestsUnavailable } from '../devices/qemu/testing/qemu.js';
import { deployModelFile } from './deploy.js';

/**
 * BOOL and INT64 tensors through Deploy & Profile: the board's protocol carries a comparison's
 * BOOL output, SELECT_V2's BOOL input and ARG_MIN's INT64 output, and the bytes read back equal
 * the host interpreter's.
 */
const corpus = join(import.meta.dirname, '../../../../test/corpus/ops');

describe('BOOL and INT64 model inputs and outputs on virtual-m4f', () => {
  requireTools(virtualBoardTestsUnavailable());
  for (const name of ['greater_int8_broadcast', 'select_v2_float32_broadcast', 'arg_min_float32_int64']) {
    it(`${name}: deploys and comes back bit-exact`, async () => {
      const result = await deployModelFile(join(corpus, `${name}.tflite`), { board: virtualM4f });
      expect(result.firstDifference).toBeUndefined();
      expect(result.bitExact).toBe(true);
      expect(result.passed).toBe(true);
    });
  }
});
