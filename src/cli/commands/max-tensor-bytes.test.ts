import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportTflite } from '../../core/common/exporters/index.js';
import { reluGraph } from '../../core/common/importers/tflite/testing/crafted-models.js';
import { main } from '../main.js';

/** `--max-tensor-bytes` of inspect and run, in this process, on a model the test writes. */

const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-max-tensor-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (chunk: string) => (stdout += chunk) > '' }, stderr: { write: (chunk: string) => (stderr += chunk) > '' } });
  return { code, stdout, stderr };
}

describe('--max-tensor-bytes', () => {
  // x: float32 [1,4] → RELU → y: 16 bytes per tensor.
  const model = join(scratch, 'relu.tflite');
  writeFileSync(model, exportTflite(reluGraph()));

  it('inspect: a limit below the model’s tensors refuses it naming the limit; one at their size reads it', async () => {
    const refused = await tinydeploy('inspect', model, '--max-tensor-bytes', '15');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: relu\.tflite: .*= 16 bytes, more than the limit of 15 bytes per tensor\n$/);
    const read = await tinydeploy('inspect', model, '--max-tensor-bytes', '16');
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('RELU');
  });

  it('run: the same limit, before any input is read', async () => {
    const input = join(scratch, 'in.bin');
    const output = join(scratch, 'out.bin');
    writeFileSync(input, new Uint8Array(new Float32Array([-1, 2, -3, 4]).buffer));
    const refused = await tinydeploy('run', model, '--input', input, '--output', output, '--max-tensor-bytes', '8');
    expect(refused.stderr).toContain('more than the limit of 8 bytes per tensor');
    expect(refused.code).toBe(1);
    const ran = await tinydeploy('run', model, '--input', input, '--output', output, '--max-tensor-bytes', '16');
    expect(ran.code, ran.stderr).toBe(0);
    const written = readFileSync(output);
    expect([...new Float32Array(written.buffer, written.byteOffset, written.length / 4)]).toEqual([0, 2, 0, 4]);
  });

  it('is listed in the help with its default', async () => {
    for (const command of ['inspect', 'run']) {
      const { stdout } = await tinydeploy(command, '--help');
      expect(stdout).toMatch(/--max-tensor-bytes <n>\s+refuse a model declaring a tensor larger than n bytes \(default 268435456, 256 MiB/);
    }
  });
});
