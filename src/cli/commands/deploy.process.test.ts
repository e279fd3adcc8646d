/**
 * `tinydeploy deploy --output`: where the board's output goes is checked before minutes of
 * building and flashing, and a write that still fails loses neither the result nor the exit code
 * to a stack trace. Runs the real command in this process on the default virtual board (QEMU).
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { virtualBoardTestsUnavailable } from '../../core/node/devices/qemu/testing/qemu.js';
import { repoRoot } from '../../../test/testing/shared-data.js';
import { requireTools } from '../../../test/testing/tools.js';
import { main } from '../main.js';

const example = join(repoRoot, 'resources/models/kws_ref_model.tflite');
const scratch = await mkdtemp(join(tmpdir(), 'tinydeploy-deploy-output-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Runs `tinydeploy <argv>`; `onStderr` sees each progress line as it is written. */
async function tinydeploy(argv: string[], onStderr: (text: string) => void = () => undefined) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: {
      write: (text: string) => {
        stderr.push(text);
        onStderr(text);
      },
    },
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('tinydeploy deploy --output', () => {
  it('refuses a path in a missing folder, or a folder, before building anything (exit 2)', async () => {
    const steps: string[] = [];
    const missing = await tinydeploy(['deploy', example, '--output', '/nonexistent/dir/out.bin'], (text) => steps.push(text));
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: --output /nonexistent/dir/out.bin: cannot write the board's output there (no such folder /nonexistent/dir)\nRun 'tinydeploy deploy --help' for usage.\n",
    });
    expect(steps.filter((text) => text.startsWith('deploy:'))).toEqual([]);
    const folder = await tinydeploy(['deploy', example, '--output', scratch]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`error: --output ${scratch}: cannot write the board's output there (it is a folder)\n`);
  });

  it('prints the result and a clear error when the write fails after the run (exit 1)', async () => {
    requireTools(virtualBoardTestsUnavailable());
    const folder = await mkdtemp(join(scratch, 'vanishing-'));
    const output = join(folder, 'out.bin');
    // The folder exists when the command checks it and is gone when the board has answered.
    const result = await tinydeploy(['deploy', example, '--output', output], (text) => {
      if (text.startsWith('deploy: run:')) rmSync(folder, { recursive: true, force: true });
    });
    expect(result.stdout).toContain('bit-exact: yes');
    expect(result.stderr).toContain(`error: --output ${output}: cannot write the board's output (ENOENT); the result above was not saved there\n`);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.code).toBe(1);
  });
});
