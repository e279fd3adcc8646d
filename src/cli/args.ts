/**
 * The command line's argument parser: positionals and `--name value` / `--name=value` /
 * `--flag` options declared per command, `--` to end options, `-h`/`--help` anywhere. Anything
 * undeclared or malformed is a UsageError naming the command and the offending argument, which
 * the CLI turns into exit code 2. Help text is generated from the same declaration.
 */

import { UsageError } from '../core/common/errors.js';

export interface OptionSpec {
  /** `boolean` options take no value; `string` and `integer` ones take exactly one. */
  type: 'boolean' | 'string' | 'integer';
  /** Placeholder in help ("file"). */
  value?: string;
  description: string;
  required?: boolean;
  /** May be given several times (values kept in order). */
  repeatable?: boolean;
  /** Accepted values for a string option. */
  choices?: readonly string[];
  /** Smallest value of an integer option (default 1). */
  minimum?: number;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** In order; `optional` ones may only follow required ones. */
  positionals: { name: string; description: string; optional?: boolean }[];
  options: Record<string, OptionSpec>;
  /** Extra paragraphs at the end of `--help`. */
  notes?: string;
}

export interface ParsedArgs {
  help: boolean;
  positionals: Record<string, string>;
  /** Option values by name (without dashes); booleans are `true` when present. */
  options: Map<string, (string | number | true)[]>;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const usage = (message: string) => new UsageError(`tinydeploy ${spec.name}: ${message}`);
  const options = new Map<string, (string | number | true)[]>();
  const positionals: string[] = [];
  let help = false;
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw usage(`unknown option ${arg}`);
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const option = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
    if (!option) throw usage(`unknown option --${name}`);
    let value: string | number | true;
    if (option.type === 'boolean') {
      if (equals >= 0) throw usage(`option --${name} takes no value`);
      value = true;
    } else {
      let text: string;
      if (equals >= 0) {
        text = arg.slice(equals + 1);
      } else {
        if (i + 1 >= argv.length) throw usage(`option --${name} needs a ${option.value ?? 'value'}`);
        text = argv[++i];
      }
      if (option.choices && !option.choices.includes(text)) {
        throw usage(`option --${name} must be one of ${option.choices.join(', ')}, got "${text}"`);
      }
      if (option.type === 'integer') {
        const minimum = option.minimum ?? 1;
        if (!/^\d+$/.test(text) || Number(text) < minimum) {
          throw usage(`option --${name} must be ${minimum === 1 ? 'a positive whole number' : `a whole number of at least ${minimum}`}, got "${text}"`);
        }
        value = Number(text);
      } else {
        value = text;
      }
    }
    const values = options.get(name) ?? [];
    if (values.length > 0 && !option.repeatable) throw usage(`option --${name} is given more than once`);
    values.push(value);
    options.set(name, values);
  }
  if (help) return { help, positionals: {}, options };
  if (positionals.length > spec.positionals.length) {
    throw usage(`unexpected argument "${positionals[spec.positionals.length]}"`);
  }
  const named: Record<string, string> = {};
  spec.positionals.forEach((positional, i) => {
    if (i >= positionals.length) {
      if (positional.optional) return;
      throw usage(`missing <${positional.name}>`);
    }
    named[positional.name] = positionals[i];
  });
  for (const [name, option] of Object.entries(spec.options)) {
    if (option.required && !options.has(name)) throw usage(`missing --${name} <${option.value ?? 'value'}>`);
  }
  return { help, positionals: named, options };
}

/** The single value of a string option, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0] as string | undefined;
}

export function stringOptions(args: ParsedArgs, name: string): string[] {
  return (args.options.get(name) ?? []) as string[];
}

export function integerOption(args: ParsedArgs, name: string): number | undefined {
  return args.options.get(name)?.[0] as number | undefined;
}

export function booleanOption(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

/** `tinydeploy <name> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const usageOptions = Object.entries(spec.options).map(([name, option]) => {
    const text = option.type === 'boolean' ? `--${name}` : `--${name} <${option.value ?? 'value'}>`;
    return option.required ? text : `[${text}]`;
  });
  const lines = [
    `usage: tinydeploy ${spec.name} ${[...spec.positionals.map((p) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`)), ...usageOptions].join(' ')}`,
    '',
    spec.summary,
    '',
  ];
  const rows: [string, string][] = [
    ...spec.positionals.map((p): [string, string] => [`<${p.name}>`, p.description]),
    ...Object.entries(spec.options).map(([name, option]): [string, string] => [
      option.type === 'boolean' ? `--${name}` : `--${name} <${option.value ?? 'value'}>`,
      option.description + (option.repeatable ? ' (repeatable)' : ''),
    ]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  for (const [left, right] of rows) lines.push(`  ${left.padEnd(width)}  ${right}`);
  if (spec.notes) lines.push('', spec.notes);
  return lines.join('\n') + '\n';
}
