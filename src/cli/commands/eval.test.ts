import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

/**
 * `tinydeploy eval`'s text output with class names a dataset's author chose: the real command in
 * this process, on a copy of the first samples of kws01 whose dataset.json renames the classes.
 */

const kws01 = fileURLToPath(new URL('../../../resources/datasets/kws01', import.meta.url));
const model = fileURLToPath(new URL('../../../resources/models/kws_ref_model.tflite', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tinydeploy-eval-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** kws01's first `count` samples in a folder named `name`, its classes replaced by `classes`. */
function craftedDataset(name: string, classes: (original: string[]) => string[], count: number): string {
  const folder = join(scratch, name);
  mkdirSync(folder);
  const description = JSON.parse(readFileSync(join(kws01, 'dataset.json'), 'utf8')) as { classes: string[]; labels: string };
  writeFileSync(join(folder, 'dataset.json'), JSON.stringify({ ...description, classes: classes(description.classes) }));
  const lines = readFileSync(join(kws01, description.labels), 'utf8').split('\n').slice(0, count);
  writeFileSync(join(folder, description.labels), lines.join('\n') + '\n');
  for (const line of lines) copyFileSync(join(kws01, line.split(',')[0]), join(folder, line.split(',')[0]));
  return folder;
}

async function tinydeploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: { write: (chunk: string) => (stdout += chunk) > '' }, stderr: { write: (chunk: string) => (stderr += chunk) > '' } });
  return { code, stdout, stderr };
}

describe('tinydeploy eval with crafted class names', () => {
  it('prints bidi overrides and line separators in class names as escapes, so no name reorders or splits the table', async () => {
    // The dataset reader refuses C0 and C1 controls in class names; these pass it.
    const dataset = craftedDataset(
      'kws\u202eset',
      (original) => original.map((name, index) => (index === 0 ? `${name}\u202e\u2066evil` : index === 1 ? `${name}\u2028error: forged` : name)),
      5,
    );
    const { code, stdout, stderr } = await tinydeploy('eval', model, '--dataset', dataset);
    expect(stderr).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('kws_ref_model.tflite on kws\\u202eset: 5 of 5 correct, top-1 accuracy 100.00%');
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(stdout).toContain('Down\\u202e\\u2066evil');
    expect(stdout).toContain('Go\\u2028error: forged');
    // Each table keeps one line per class: the header, then 12 rows.
    const confusion = lines.slice(2, lines.indexOf('', 2));
    expect(confusion).toHaveLength(13);
    const perClass = lines.slice(3 + confusion.length, lines.indexOf('', 3 + confusion.length));
    expect(perClass).toHaveLength(13);
    expect(perClass[0]).toMatch(/^class +samples +predicted +precision +recall +F1$/);
    expect(lines.at(-2)).toMatch(/^top-1 100\.00%, top-2 100\.00%, top-3 100\.00%, top-5 100\.00%$/);
    expect(lines.some((line) => line.startsWith('error:'))).toBe(false);
  });
});
