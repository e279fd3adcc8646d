/**
 * Setup of the fast tier (vitest.fast.config.ts): starting a program fails the test that does it,
 * naming the program, so a test that needs QEMU, a compiler, Chromium, the CLI or a worker is
 * listed for the full suite instead of slowing this tier down. Instant coreutils a test uses to
 * make a fixture (mkfifo) are let through.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const starters = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
const instantUtilities = new Set(['mkfifo']);

for (const name of starters) {
  const original = childProcess[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(childProcess, name, {
    configurable: true,
    writable: true,
    value: (command: unknown, ...rest: unknown[]) => {
      const program = typeof command === 'string' ? basename(command.trim().split(/\s+/)[0]) : String(command);
      if (name !== 'fork' && instantUtilities.has(program)) return original(command, ...rest);
      throw new Error(
        `the fast tier starts no programs, but this test ran child_process.${name}(${JSON.stringify(command)}): ` +
          `add its file to startsPrograms in vitest.fast.config.ts (it runs in npm test)`,
      );
    },
  });
}
syncBuiltinESMExports();
