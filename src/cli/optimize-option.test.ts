import { describe, expect, it } from 'vitest';
import { main } from './main.js';

/** `--optimize size|speed` of the commands that generate code, in this process (what needs no toolchain). */

async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (chunk: string) => (stdout += chunk) > '' }, stderr: { write: (chunk: string) => (stderr += chunk) > '' } });
  return { code, stdout, stderr };
}

const commands = ['build', 'deploy', 'validate'];

describe('--optimize', () => {
  it('is in the help of every command that generates code, with its two goals', async () => {
    for (const command of commands) {
      const { code, stdout } = await tinydeploy(command, '--help');
      expect(code, command).toBe(0);
      expect(stdout, command).toMatch(/--optimize <size\|speed>\s+size \(default\): a faster kernel only where the whole model can use it/);
      expect(stdout, command).toContain('speed: each layer gets its fastest kernel for its shape');
    }
  });

  it('refuses another value before anything is built, naming it and the goals (exit 2)', async () => {
    const required: Record<string, string[]> = { build: ['--out', 'project'], deploy: [], validate: ['--dataset', 'data'] };
    for (const command of commands) {
      const { code, stderr } = await tinydeploy(command, 'model.tflite', ...required[command]!, '--optimize', 'fast');
      expect(code, command).toBe(2);
      expect(stderr, command).toContain(`tinydeploy ${command}: option --optimize must be one of size, speed, got "fast"`);
    }
    const missing = await tinydeploy('deploy', 'model.tflite', '--optimize');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('option --optimize needs a size|speed');
  });
});
