import { describe, expect, it } from 'vitest';
import { booleanOption, commandHelp, integerOption, parseArgs, stringOption, stringOptions } from './args.js';
import type { CommandSpec } from './args.js';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'A demo command.',
  positionals: [{ name: 'model', description: 'model file' }],
  options: {
    input: { type: 'string', value: 'file', required: true, repeatable: true, description: 'input' },
    state: { type: 'string', choices: ['reset', 'streaming'], description: 'state' },
    limit: { type: 'integer', value: 'N', description: 'limit' },
    json: { type: 'boolean', description: 'json' },
  },
};

function usageError(argv: string[]): unknown {
  try {
    parseArgs(spec, argv);
  } catch (error) {
    return error;
  }
  throw new Error('expected a usage error');
}

describe('parseArgs', () => {
  it('reads positionals and every option form', () => {
    const args = parseArgs(spec, ['m.tflite', '--input', 'a.bin', '--input=b.bin', '--limit', '10', '--state=streaming', '--json']);
    expect(args.positionals).toEqual({ model: 'm.tflite' });
    expect(stringOptions(args, 'input')).toEqual(['a.bin', 'b.bin']);
    expect(integerOption(args, 'limit')).toBe(10);
    expect(stringOption(args, 'state')).toBe('streaming');
    expect(booleanOption(args, 'json')).toBe(true);
  });

  it('takes everything after -- as positionals and --help anywhere', () => {
    expect(parseArgs(spec, ['--input', 'a', '--', '--odd-name.tflite']).positionals).toEqual({ model: '--odd-name.tflite' });
    // Help needs none of the required arguments.
    expect(parseArgs(spec, ['-h']).help).toBe(true);
    expect(parseArgs(spec, ['m', '--help']).help).toBe(true);
  });

  it('names what is wrong', () => {
    const cases: [string[], string][] = [
      [['m', '--input', 'a', '--frobnicate'], 'tinydeploy demo: unknown option --frobnicate'],
      [['m', '--input', 'a', '-x'], 'tinydeploy demo: unknown option -x'],
      [['m', '--input'], 'tinydeploy demo: option --input needs a file'],
      [['m', '--input', 'a', '--json=yes'], 'tinydeploy demo: option --json takes no value'],
      [['m', '--input', 'a', '--limit', '0'], 'tinydeploy demo: option --limit must be a positive whole number, got "0"'],
      [['m', '--input', 'a', '--limit', 'ten'], 'tinydeploy demo: option --limit must be a positive whole number, got "ten"'],
      [['m', '--input', 'a', '--state', 'keep'], 'tinydeploy demo: option --state must be one of reset, streaming, got "keep"'],
      [['m', '--input', 'a', '--json', '--json'], 'tinydeploy demo: option --json is given more than once'],
      [['--input', 'a'], 'tinydeploy demo: missing <model>'],
      [['m'], 'tinydeploy demo: missing --input <file>'],
      [['m', 'extra', '--input', 'a'], 'tinydeploy demo: unexpected argument "extra"'],
    ];
    for (const [argv, message] of cases) expect(usageError(argv)).toMatchObject({ name: 'UsageError', message });
  });
});

describe('commandHelp', () => {
  it('lists the usage line and every option', () => {
    const help = commandHelp(spec);
    expect(help).toContain('usage: tinydeploy demo <model> --input <file> [--state <value>] [--limit <N>] [--json]');
    expect(help).toContain('--input <file>');
    expect(help).toContain('input (repeatable)');
    expect(help).toContain('-h, --help');
  });
});
