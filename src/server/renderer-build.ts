/**
 * The renderer's first build, for `tinydeploy serve` in a fresh checkout: right after `npm ci`
 * there is no `out/renderer` yet, so serve builds the app once with the electron-vite of
 * node_modules (about 3 s; nothing is downloaded). It builds into a folder of its own and then
 * moves the result into place, so two serves starting together never serve a half-written build.
 */

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TinyDeployError } from '../core/common/errors.js';

/** The checkout's root (package.json, electron.vite.config.ts, out/). */
export function checkoutRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** electron-vite's command line script in node_modules, or undefined when dev dependencies are not installed. */
function electronViteScript(root: string): string | undefined {
  try {
    const require = createRequire(join(root, 'package.json'));
    return join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  } catch {
    return undefined;
  }
}

export interface RendererBuildOptions {
  /** The checkout to build (default: this one). */
  root?: string;
  /** Told once before the build starts. */
  onStart?: (message: string) => void;
}

/**
 * Builds the app (main, preload, renderer) into `<root>/out` when `out/renderer/index.html` is
 * missing; resolves to whether it built. Parts already in `out/` are left as they are.
 */
export async function buildRendererWhenMissing(options: RendererBuildOptions = {}): Promise<boolean> {
  const root = options.root ?? checkoutRoot();
  const out = join(root, 'out');
  if (existsSync(join(out, 'renderer', 'index.html'))) return false;
  const script = electronViteScript(root);
  if (!script || !existsSync(script)) {
    throw new TinyDeployError(
      `the renderer is not built (${join(out, 'renderer')} is missing) and electron-vite is not installed to build it: run npm ci (with the dev dependencies), then npx electron-vite build`,
    );
  }
  options.onStart?.(`building the app into ${out} (first start; about 3 s)…`);
  mkdirSync(out, { recursive: true });
  const scratch = join(out, `.build-${process.pid}-${Date.now()}`);
  try {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolveRun, rejectRun) => {
      const child = spawn(process.execPath, [script, 'build', '--outDir', scratch, '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', rejectRun);
      child.once('close', (exitCode) => resolveRun({ code: exitCode, output: text }));
    });
    if (code !== 0 || !existsSync(join(scratch, 'renderer', 'index.html'))) {
      throw new TinyDeployError(`building the renderer failed (electron-vite build, exit ${code}):\n${output.trim()}`);
    }
    for (const part of readdirSync(scratch)) {
      const target = join(out, part);
      if (existsSync(target)) continue;
      try {
        renameSync(join(scratch, part), target);
      } catch (error) {
        // Another serve moved its build there first: that one is as good.
        if (!existsSync(target)) throw error;
      }
    }
    return true;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
