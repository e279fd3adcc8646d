import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../core/common/errors.js';
import { AllowedFolders } from '../../server/index.js';
import { parseArgs, stringOptions } from '../args.js';
import { main } from '../main.js';
import { serveCommand } from './serve.js';

// `tinydeploy serve`'s options, in this process (the command's server is started in its own
// process by serve.test.ts; what --allow-folder allows is tested in src/server/allowed-folders.test.ts).

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'tinydeploy-serve-options-')));
const renderer = join(scratch, 'renderer');
mkdirSync(renderer);
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>TinyDeploy</title>');
writeFileSync(join(scratch, 'a-file'), 'not a folder');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tinydeploy serve --allow-folder', () => {
  it('is repeatable and listed in the help', async () => {
    const args = parseArgs(serveCommand.spec, ['--allow-folder', '/a', '--allow-folder=/b']);
    expect(stringOptions(args, 'allow-folder')).toEqual(['/a', '/b']);
    let help = '';
    expect(await main(['serve', '--help'], { stdout: { write: (chunk: string) => (help += chunk) > '' }, stderr: { write: () => true } })).toBe(0);
    expect(help).toMatch(/--allow-folder <dir>\s+a folder the browser may add datasets from.*\(repeatable\)/);
  });

  it('refuses a folder that does not exist or is a file, before touching the data folder', async () => {
    for (const [folder, problem] of [
      [join(scratch, 'no-such-folder'), 'no such folder'],
      [join(scratch, 'a-file'), 'not a folder'],
    ]) {
      const data = join(scratch, `never-made-${problem.replace(/ /g, '-')}`);
      let stderr = '';
      const code = await main(['serve', '--allow-folder', folder, '--data-dir', data, '--renderer', renderer], {
        stdout: { write: () => true },
        stderr: { write: (chunk: string) => (stderr += chunk) > '' },
      });
      expect(stderr).toBe(`error: option --allow-folder ${folder}: ${problem}\nRun 'tinydeploy serve --help' for usage.\n`);
      expect(code).toBe(2);
      expect(existsSync(data)).toBe(false);
    }
    expect(() => AllowedFolders.resolve(['/definitely/not/here'])).toThrow(UsageError);
  });
});
