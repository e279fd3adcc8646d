import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requireTools } from '../../../../../test/testing/tools.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../../..');

describe('wasm SIMD training kernels', () => {
  it('the committed module is what train-kernels.c builds to (clang, wasm-ld)', () => {
    const missing = ['clang', 'wasm-ld'].find((tool) => spawnSync(tool, ['--version']).status !== 0);
    requireTools(missing && `${missing} (apt-get install clang lld)`);
    const result = spawnSync(process.execPath, [join(root, 'scripts/build-train-kernels.mjs'), '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
