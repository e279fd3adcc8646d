/**
 * What the end-to-end tests share: Debian's Chromium through playwright-core, the check for the
 * tools a suite needs (so it skips with a reason instead of failing on a machine without them),
 * the renderer build when the sources changed since the last one, `tinydeploy serve` as a child
 * process, and screenshots of whole screens.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../testing/shared-data.js';

export const chromiumPath = '/usr/bin/chromium';

/** Flags for a quiet, headless Chromium in a container (no sandbox, GPU or background traffic). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const screenshotDirectory = join(repoRoot, 'test/e2e/screenshots');

/** An executable on PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, name);
    if (directory && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Why a suite cannot run here (for requireTools, which then fails it), or undefined when it can:
 * Chromium always, and for a deploy the QEMU and arm-none-eabi-gcc of the README's set-up.
 */
export function missingTools(options: { deploy: boolean }): string | undefined {
  const missing: string[] = [];
  if (!existsSync(chromiumPath)) missing.push(`Chromium (${chromiumPath}; apt-get install chromium)`);
  if (options.deploy && !onPath('qemu-system-arm')) missing.push('QEMU (qemu-system-arm; apt-get install qemu-system-arm)');
  if (options.deploy && !onPath('arm-none-eabi-gcc')) missing.push('arm-none-eabi-gcc (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)');
  return missing.length ? `the end-to-end tests need ${missing.join(', ')}` : undefined;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** Newest modification time (ms) of the non-test sources under `directories`. */
function newestSource(directories: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (!/\.test\.tsx?$/.test(path)) {
      newest = Math.max(newest, stats.mtimeMs);
    }
  };
  for (const directory of directories) if (existsSync(directory)) visit(directory);
  return newest;
}

/**
 * Builds the app with `npx electron-vite build` when `out/renderer` is missing or older than the
 * sources the renderer bundles (renderer, shared services, core/common); returns whether it built.
 */
export function buildRendererIfStale(): boolean {
  const built = join(repoRoot, 'out/renderer/index.html');
  const sources = newestSource(['src/renderer', 'src/shared', 'src/core/common'].map((path) => join(repoRoot, path)));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return false;
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npx electron-vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return true;
}

export interface ServeProcess {
  url: string;
  process: ChildProcess;
  /** Everything it printed, for failure messages. */
  output: () => string;
  /** Stops it with SIGTERM (as Ctrl+C would) and waits for it to exit. */
  stop: () => Promise<number | null>;
}

/**
 * Starts `tinydeploy serve --data-dir <dataDirectory>` on a port the system chooses (serve's
 * default) and waits for the address it prints. The CLI compiles its TypeScript sources as it
 * imports them: a few seconds alone, about a minute on two cores shared with the rest of the
 * suite, so the wait is generous (it bounds a hang, it does not time the start).
 */
export function startServe(dataDirectory: string, timeoutMs = 100_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['bin/tinydeploy.js', 'serve', '--data-dir', dataDirectory], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tinydeploy serve printed no address within ${timeoutMs} ms; it printed:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output)?.[0];
      if (!url) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.on('data', (more: Buffer) => (output += more.toString()));
      resolve({
        url,
        process: child,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tinydeploy serve exited (code ${code}) before printing its address:\n${output}`));
    });
  });
}

/**
 * Saves the whole screen as `<directory>/<name>.png` (default screenshots/): the app scrolls inside its content pane,
 * so the viewport is stretched to the content's height for the shot, then restored.
 */
export async function saveScreenshot(page: Page, name: string, directory = screenshotDirectory): Promise<string> {
  mkdirSync(directory, { recursive: true });
  const viewport = page.viewportSize() ?? { width: 1440, height: 960 };
  const contentHeight = await page.evaluate(() => {
    const content = document.querySelector('.content');
    return Math.max(content?.scrollHeight ?? 0, document.documentElement.scrollHeight);
  });
  const height = Math.min(4000, Math.max(viewport.height, contentHeight));
  if (height !== viewport.height) await page.setViewportSize({ width: viewport.width, height });
  const path = join(directory, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  if (height !== viewport.height) await page.setViewportSize(viewport);
  return path;
}

/** A page recording its uncaught errors and console errors in `errors` (a test ends by expecting none). */
export async function openPage(browser: Browser, viewport: { width: number; height: number }, errors: string[], options: { acceptDownloads?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport, ...options });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return page;
}

/** `tinydeploy serve` on a fresh data folder with Chromium showing it. */
export interface AppSession {
  dataDirectory: string;
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** The page's uncaught errors and console errors so far. */
  pageErrors: string[];
  close: () => Promise<void>;
}

/**
 * Builds the renderer when stale, starts `tinydeploy serve` on a new data folder (named after
 * `name`) and Chromium, and opens a 1280x800 page. `datasets` are folders copied into the data
 * folder's datasets/ (browser mode reads datasets there), by the name they get.
 */
export async function startAppSession(name: string, options: { datasets?: Record<string, string>; acceptDownloads?: boolean; viewport?: { width: number; height: number } } = {}): Promise<AppSession> {
  const dataDirectory = mkdtempSync(join(tmpdir(), `tinydeploy-e2e-${name}-`));
  for (const [datasetName, source] of Object.entries(options.datasets ?? {})) cpSync(source, join(dataDirectory, 'datasets', datasetName), { recursive: true });
  buildRendererIfStale();
  const [serve, browser] = await Promise.all([startServe(dataDirectory), launchChromium()]);
  const pageErrors: string[] = [];
  const page = await openPage(browser, options.viewport ?? { width: 1280, height: 800 }, pageErrors, { acceptDownloads: options.acceptDownloads ?? false });
  return {
    dataDirectory,
    serve,
    browser,
    page,
    pageErrors,
    close: async () => {
      await browser.close();
      await serve.stop();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Creates a project from the home screen and waits until its screen shows. */
export async function createProject(page: Page, name: string): Promise<void> {
  await page.getByTestId('home-screen').getByLabel('Project name').fill(name);
  await page.getByTestId('home-screen').getByRole('button', { name: 'Create' }).click();
  await page.getByTestId('project-title').filter({ hasText: name }).waitFor();
}
