import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

/** `--input-layout` of the commands that open a model, in this process, on the PyTorch ONNX fixtures. */

const fixtures = join(import.meta.dirname, '../../../test/fixtures/onnx');
const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-input-layout-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (chunk: string) => (stdout += chunk) > '' }, stderr: { write: (chunk: string) => (stderr += chunk) > '' } });
  return { code, stdout, stderr };
}

const inputShape = async (model: string, ...options: string[]) => {
  const { code, stdout, stderr } = await tinydeploy('inspect', model, '--json', ...options);
  expect(code, stderr).toBe(0);
  return (JSON.parse(stdout) as { inputs: { shape: number[] }[] }).inputs[0].shape;
};

describe('--input-layout', () => {
  const model = join(fixtures, 'ds_cnn.onnx');

  it('inspect: the ONNX model’s own NCHW input by default and with nchw, channels-last with nhwc', async () => {
    expect(await inputShape(model)).toEqual([1, 1, 49, 10]);
    expect(await inputShape(model, '--input-layout', 'nchw')).toEqual([1, 1, 49, 10]);
    expect(await inputShape(model, '--input-layout', 'nhwc')).toEqual([1, 49, 10, 1]);
  });

  it('run: the same network either way, on the input bytes in the layout asked for', async () => {
    // [1, 1, 49, 10] and [1, 49, 10, 1] hold the same bytes in the same order: one channel.
    const input = join(scratch, 'in.bin');
    const values = Float32Array.from({ length: 490 }, (_, i) => Math.sin(i * 0.37));
    writeFileSync(input, new Uint8Array(values.buffer));
    const outputs: number[][] = [];
    for (const layout of ['nchw', 'nhwc']) {
      const output = join(scratch, `out-${layout}.bin`);
      const ran = await tinydeploy('run', model, '--input', input, '--output', output, '--input-layout', layout);
      expect(ran.code, ran.stderr).toBe(0);
      const bytes = readFileSync(output);
      outputs.push([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)]);
    }
    expect(outputs[1]).toHaveLength(12);
    outputs[1].forEach((value, i) => expect(value).toBeCloseTo(outputs[0][i], 5));
  });

  it('refuses another layout, naming the choices, and is in the help of the commands that open a model', async () => {
    const refused = await tinydeploy('inspect', model, '--input-layout', 'chw');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/input-layout.*nchw.*nhwc/);
    for (const command of ['inspect', 'run', 'eval', 'validate', 'optimize']) {
      const { stdout } = await tinydeploy(command, '--help');
      expect(stdout, command).toMatch(/--input-layout <nchw\|nhwc>\s+ONNX models: layout of inputs of rank 3 and more/);
    }
  });
});
