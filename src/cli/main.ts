/**
 * `tinydeploy`: TinyDeploy's core without a window. Dispatches a subcommand and maps failures
 * to exit codes: 0 success; 1 an expected failure (a TinyDeployError: bad model, dataset that
 * does not fit, …) printed as `error: <message>`; 2 a usage error (unknown command or option,
 * missing argument); 1 with a stack trace for anything unexpected (a bug). Messages may embed
 * names from a model file: they are printed through `printableText`, so a name cannot drive the
 * terminal or forge a line of its own (continuation lines are indented).
 */

import { TinyDeployError, UsageError } from '../core/common/errors.js';
import { printableName, printableText } from '../core/common/printable.js';
import { commandHelp, parseArgs } from './args.js';
import type { CliIo, Command } from './command.js';
import { evalCommand } from './commands/eval.js';
import { validateCommand } from './commands/validate.js';
import { inspectCommand } from './commands/inspect.js';
import { runCommand } from './commands/run.js';
import { buildCommand } from './commands/build.js';
import { boardsCommand } from './commands/boards.js';
import { deployCommand } from './commands/deploy.js';
import { optimizeCommand } from './commands/optimize.js';
import { serveCommand } from './commands/serve.js';
import { searchCommand } from './commands/search.js';
import { workerCommand } from './commands/worker.js';

export const commands: readonly Command[] = [inspectCommand, runCommand, evalCommand, optimizeCommand, searchCommand, buildCommand, deployCommand, validateCommand, boardsCommand, serveCommand, workerCommand];

export function mainHelp(): string {
  const width = Math.max(...commands.map((command) => command.spec.name.length));
  return [
    'usage: tinydeploy <command> [options]',
    '',
    'commands:',
    ...commands.map((command) => `  ${command.spec.name.padEnd(width)}  ${command.spec.summary}`),
    '',
    "Run 'tinydeploy <command> --help' for a command's arguments and options.",
    '',
  ].join('\n');
}

/** Runs the command line `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      io.stdout.write(mainHelp());
      return 0;
    }
    const command = commands.find((candidate) => candidate.spec.name === name);
    if (!command) {
      throw new UsageError(
        name.startsWith('-')
          ? `unknown option ${name} (options go after the command)`
          : `unknown command "${name}" (commands: ${commands.map((candidate) => candidate.spec.name).join(', ')})`,
      );
    }
    const args = parseArgs(command.spec, rest);
    if (args.help) {
      io.stdout.write(commandHelp(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${printableText(error.message)}\nRun 'tinydeploy ${commandName(argv)}--help' for usage.\n`);
      return 2;
    }
    if (error instanceof TinyDeployError) {
      io.stderr.write(`error: ${printableText(error.message)}\n`);
      return 1;
    }
    io.stderr.write(`unexpected error (a bug in TinyDeploy; please report it):\n${unexpectedErrorText(error)}\n`);
    return 1;
  }
}

/** `Name: message` on one line (the message may embed model names), then the stack frames. */
function unexpectedErrorText(error: unknown): string {
  if (!(error instanceof Error)) return printableName(String(error));
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name}: ${printableName(error.message)}`, ...frames.map(printableName)].join('\n');
}

function commandName(argv: readonly string[]): string {
  const name = argv[0];
  return name !== undefined && commands.some((command) => command.spec.name === name) ? `${name} ` : '';
}
