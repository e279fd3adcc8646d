import { execFile, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { CodegenError } from '../../common/errors.js';
import { CachedCompile, compileCacheFromEnvironment } from './compile-cache.js';

/**
 * The C compilers TinyDeploy drives: the host's `gcc` (to run generated code and kernels on the
 * workstation, bit-exact with the interpreter) and `arm-none-eabi-gcc` (firmware for the boards).
 * Everything here runs the compiler as a child process. An object compiled from one C source
 * (`-c`, absolute paths: a firmware build's kernels, board and runtime files) is kept in the
 * compiled-object cache (`compile-cache.ts`) and given back, byte for byte, while the source, every
 * file it includes, the arguments and the compiler stay the same.
 */
export type CompilerTarget = 'host' | 'arm-none-eabi';

export interface Compiler {
  target: CompilerTarget;
  /** The program to run (`gcc`, `arm-none-eabi-gcc`, or a path from the environment). */
  command: string;
  /** First line of `--version`. */
  version: string;
}

/** How to get each toolchain on Debian/Ubuntu: the hint of the "not found" error. */
export const toolchainInstallHint: Record<CompilerTarget, string> = {
  host: 'apt-get install gcc',
  'arm-none-eabi': 'apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi',
};

const defaultCommands: Record<CompilerTarget, { env: string; command: string }> = {
  host: { env: 'TINYDEPLOY_HOST_CC', command: 'gcc' },
  'arm-none-eabi': { env: 'TINYDEPLOY_ARM_CC', command: 'arm-none-eabi-gcc' },
};

/** The command used for a target: `$TINYDEPLOY_HOST_CC` / `$TINYDEPLOY_ARM_CC` when set, else the usual name. */
export function compilerCommand(target: CompilerTarget): string {
  const { env, command } = defaultCommands[target];
  return process.env[env] || command;
}

/** The compiler for `target`, or undefined when it is not installed (the command cannot be run). */
export async function findCompiler(target: CompilerTarget): Promise<Compiler | undefined> {
  const command = compilerCommand(target);
  try {
    const { stdout } = await run(command, ['--version'], { timeoutMs: 30_000 });
    return { target, command, version: stdout.split('\n')[0].trim() };
  } catch {
    return undefined;
  }
}

/** Like `findCompiler`, but a missing compiler is a CodegenError that says how to install it. */
export async function requireCompiler(target: CompilerTarget): Promise<Compiler> {
  const compiler = await findCompiler(target);
  if (!compiler) {
    throw new CodegenError(
      `${compilerCommand(target)} not found: the ${target === 'host' ? 'host C compiler' : 'Arm embedded toolchain'} ` +
        `is needed to compile the generated C; install it with \`${toolchainInstallHint[target]}\``,
      { target, command: compilerCommand(target) },
    );
  }
  return compiler;
}

export interface CompileOptions {
  /** C sources (and object files or linker scripts passed through `flags`). */
  sources: readonly string[];
  /** Output file: an executable or ELF, or an object file when `flags` contains `-c`. */
  output: string;
  includeDirs?: readonly string[];
  /** `-D` definitions; `true` defines the name without a value. */
  defines?: Readonly<Record<string, string | number | true>>;
  /** Compiler flags (`-O2`, `-mcpu=…`, `-Wall`, …), placed before the sources. */
  flags?: readonly string[];
  /** Linker flags and libraries (`-T board.ld`, `-lm`, …), placed after the sources. */
  linkFlags?: readonly string[];
  cwd?: string;
  /** Time limit of this call; default `compileTimeLimitMs` of the sources' size. */
  timeoutMs?: number;
  /**
   * The compiled-object cache's folder, or false for none; default `compileCacheFromEnvironment()`
   * (the user's cache folder unless `$TINYDEPLOY_COMPILE_CACHE=off`). Used for one C source
   * compiled with `-c` to an `.o`, every path absolute.
   */
  cache?: string | false;
}

/** The cache entry of a compile that can be cached (one absolute C source, `-c`, an absolute `.o`), else undefined. */
async function cacheEntry(compiler: Compiler, options: CompileOptions, args: readonly string[]): Promise<CachedCompile | undefined> {
  const directory = options.cache === undefined ? compileCacheFromEnvironment() : options.cache || undefined;
  if (!directory) return undefined;
  const [source] = options.sources;
  const includeDirs = options.includeDirs ?? [];
  const cacheable =
    options.sources.length === 1 &&
    source.endsWith('.c') &&
    isAbsolute(source) &&
    options.output.endsWith('.o') &&
    isAbsolute(options.output) &&
    (options.flags ?? []).includes('-c') &&
    !(options.linkFlags ?? []).length &&
    includeDirs.every((dir) => isAbsolute(dir));
  if (!cacheable) return undefined;
  return CachedCompile.open(directory, { source, output: options.output, args, includeDirs, cwd: resolve(options.cwd ?? '.'), compiler });
}

/** The environment variable that replaces every compiler call's time limit (milliseconds). */
export const COMPILE_TIMEOUT_ENV = 'TINYDEPLOY_COMPILE_TIMEOUT_MS';
const BASE_TIME_LIMIT_MS = 60_000;
const TIME_LIMIT_MS_PER_KIB = 50;

/**
 * How long one compiler call may take: 60 s plus 50 ms per KiB of C source (the generated model
 * grows with its ops and weights; a 5,000-op graph once kept gcc busy for 457 s), or
 * `$TINYDEPLOY_COMPILE_TIMEOUT_MS` when set to a positive number. Past it gcc is killed and the
 * call fails with a CodegenError naming the limit.
 */
export function compileTimeLimitMs(sourceBytes: number, env: NodeJS.ProcessEnv = process.env): number {
  const override = Number(env[COMPILE_TIMEOUT_ENV]);
  if (env[COMPILE_TIMEOUT_ENV] && Number.isFinite(override) && override > 0) return override;
  return BASE_TIME_LIMIT_MS + Math.ceil((sourceBytes / 1024) * TIME_LIMIT_MS_PER_KIB);
}

export interface CompileResult {
  /** The full command line that ran (for logs and error messages). */
  commandLine: string[];
  /** Compiler diagnostics (warnings) of a successful run. */
  diagnostics: string;
}

/**
 * Compiles and links in one compiler call. A failing compiler is a CodegenError carrying the
 * command line and the compiler's own diagnostics, so the user sees the C error verbatim. The
 * call has a time limit (`options.timeoutMs`, else `compileTimeLimitMs`); past it the compiler
 * and every process it started (cc1, as, ld) are killed.
 */
export async function compile(compiler: Compiler, options: CompileOptions): Promise<CompileResult> {
  const args = [
    ...(options.flags ?? []),
    ...(options.includeDirs ?? []).map((dir) => `-I${dir}`),
    ...Object.entries(options.defines ?? {}).map(([name, value]) => (value === true ? `-D${name}` : `-D${name}=${value}`)),
    ...options.sources,
    '-o',
    options.output,
    ...(options.linkFlags ?? []),
  ];
  const commandLine = [compiler.command, ...args];
  let timeoutMs = options.timeoutMs;
  let limitText = '';
  if (timeoutMs === undefined) {
    const sizes = await Promise.all(options.sources.map((source) => stat(resolve(options.cwd ?? '.', source)).then((info) => info.size, () => 0)));
    const sourceBytes = sizes.reduce((sum, size) => sum + size, 0);
    timeoutMs = compileTimeLimitMs(sourceBytes);
    limitText = process.env[COMPILE_TIMEOUT_ENV]
      ? ` (from ${COMPILE_TIMEOUT_ENV})`
      : ` (60 s + 50 ms per KiB of its ${Math.ceil(sourceBytes / 1024)} KiB of sources; set ${COMPILE_TIMEOUT_ENV} to change it)`;
  }
  const cached = await cacheEntry(compiler, options, args);
  const hit = await cached?.lookup();
  if (hit !== undefined) return { commandLine, diagnostics: hit };
  try {
    const { stderr } = await run(compiler.command, cached ? [...args, ...cached.dependencyArgs()] : args, { cwd: options.cwd, timeoutMs });
    await cached?.store(stderr);
    return { commandLine, diagnostics: stderr };
  } catch (error) {
    await cached?.discard();
    const failure = error as ProcessFailure;
    if (failure.timedOut) {
      throw new CodegenError(`${compiler.command} was stopped: it ran past its time limit of ${formatSeconds(timeoutMs)}${limitText}`, {
        commandLine,
        timeoutMs,
      });
    }
    const output = (failure.stderr || failure.stdout || failure.message).trim();
    throw new CodegenError(`${compiler.command} failed (${failure.reason}):\n${truncate(output, 8000)}`, {
      commandLine,
      output,
    });
  }
}

export interface ProgramResult {
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs a program built for the host (a test harness), returning its output as bytes. A non-zero
 * exit status, a signal or a timeout is a CodegenError naming the program and its stderr.
 */
export async function runProgram(
  path: string,
  args: readonly string[] = [],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const reason = error.killed ? `timed out or killed (${error.signal ?? 'no signal'})` : `exit ${error.code ?? error.signal}`;
          reject(new CodegenError(`${path} failed (${reason}): ${truncate(stderr.toString().trim(), 4000)}`, { path, args }));
          return;
        }
        resolve({ stdout, stderr: stderr.toString() });
      },
    );
  });
}

interface ProcessFailure extends Error {
  stdout: string;
  stderr: string;
  reason: string;
  timedOut: boolean;
}

/** Output kept per stream; a compiler that prints more is cut (the start holds the first error). */
const MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

/**
 * Process groups of the compilers running now. Their own group keeps them out of the terminal's
 * Ctrl+C, so they are killed here when this process exits or is interrupted.
 */
const runningGroups = new Set<number>();
const forwardedSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killGroups(): void {
  for (const group of runningGroups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  runningGroups.clear();
}

/** Kills the compilers, then lets the signal do what it would have done without this handler. */
function onSignal(signal: NodeJS.Signals): void {
  killGroups();
  stopWatchingExit();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function watchExit(): void {
  if (runningGroups.size > 0) return;
  process.on('exit', killGroups);
  for (const signal of forwardedSignals) process.on(signal, onSignal);
}

function stopWatchingExit(): void {
  process.off('exit', killGroups);
  for (const signal of forwardedSignals) process.off(signal, onSignal);
}

/**
 * Runs a program in its own process group, so that a timeout kills it and its children: the
 * gcc driver's cc1, as and ld would otherwise keep running (and keep the CPU) after gcc itself.
 */
function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const group = child.pid;
    if (group !== undefined) {
      watchExit();
      runningGroups.add(group);
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT_CHARS) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (group !== undefined) process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, options.timeoutMs);
    const done = () => {
      settled = true;
      clearTimeout(timer);
      if (group !== undefined && runningGroups.delete(group) && runningGroups.size === 0) stopWatchingExit();
    };
    const fail = (reason: string) => {
      if (settled) return;
      done();
      reject(Object.assign(new Error(`${command}: ${reason}`), { stdout, stderr, reason, timedOut }) as ProcessFailure);
    };
    child.on('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ENOENT' ? 'not found' : error.message));
    child.on('close', (code, signal) => {
      if (timedOut) {
        fail(`timed out after ${options.timeoutMs} ms`);
        return;
      }
      if (code !== 0) {
        fail(`exit ${code ?? signal}`);
        return;
      }
      done();
      resolvePromise({ stdout, stderr });
    });
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n… (${text.length - limit} more characters)`;
}
