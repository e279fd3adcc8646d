import type { CommandSpec, ParsedArgs } from './args.js';

/** Where a command writes: the process's streams in the CLI, buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * One `tinydeploy` subcommand: its declaration (arguments, options, help) and its action.
 * The action resolves to the exit code; expected failures are thrown as TinyDeployError.
 */
export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
