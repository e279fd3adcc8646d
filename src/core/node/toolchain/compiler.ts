import { execFile } from 'node:child_process';
import { CodegenError } from '../../common/errors.js';

/**
 * The C compilers TinyDeploy drives: the host's `gcc` (to run generated code and kernels on the
 * workstation, bit-exact with the interpreter) and `arm-none-eabi-gcc` (firmware for the boards).
 * Everything here runs the compiler as a child process; nothing is cached between calls.
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
  timeoutMs?: number;
}

export interface CompileResult {
  /** The full command line that ran (for logs and error messages). */
  commandLine: string[];
  /** Compiler diagnostics (warnings) of a successful run. */
  diagnostics: string;
}

/**
 * Compiles and links in one compiler call. A failing compiler is a CodegenError carrying the
 * command line and the compiler's own diagnostics, so the user sees the C error verbatim.
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
  try {
    const { stderr } = await run(compiler.command, args, { cwd: options.cwd, timeoutMs: options.timeoutMs ?? 300_000 });
    return { commandLine, diagnostics: stderr };
  } catch (error) {
    const failure = error as ProcessFailure;
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
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs: number },
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'ENOENT' ? 'not found' : error.killed ? `timed out after ${options.timeoutMs} ms` : `exit ${error.code ?? error.signal}`;
        reject(Object.assign(new Error(`${command}: ${reason}`), { stdout, stderr, reason }) as ProcessFailure);
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n… (${text.length - limit} more characters)`;
}
