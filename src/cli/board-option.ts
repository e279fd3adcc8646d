import { boards, defaultBoardId, type Board } from '../core/common/boards/index.js';
import { UsageError } from '../core/common/errors.js';
import { findBoardIn } from '../core/node/store/custom-boards.js';
import { defaultDataDirectory } from '../server/index.js';
import { stringOption, type ParsedArgs } from './args.js';

/** The `--board <id>` option's description, the same in every command that takes it. */
export const boardOptionSpec = {
  type: 'string',
  value: 'id',
  description: `board (default ${defaultBoardId}; known: ${boards.map((board) => board.id).join(', ')}, or a custom board; see tinydeploy boards)`,
} as const;

/** `--data-dir`: where custom boards (and projects) are kept. */
export const dataDirOptionSpec = {
  type: 'string',
  value: 'dir',
  description: "data folder with the custom boards (default: the desktop app's, ~/.config/TinyDeploy on Linux)",
} as const;

/** The data folder `--data-dir` names, else the desktop app's. */
export function dataDirOption(args: ParsedArgs): string {
  return stringOption(args, 'data-dir') ?? defaultDataDirectory();
}

/**
 * The board `--board` names (default: the catalog's default): a catalog board, else a custom board
 * of the data folder. An unknown id is a usage error listing the known ones.
 */
export function boardOption(args: ParsedArgs, command: string): Board {
  const id = stringOption(args, 'board') ?? defaultBoardId;
  const { board, custom, customError } = findBoardIn(dataDirOption(args), id);
  if (!board) {
    const known = [...boards, ...custom].map((known) => known.id).join(', ');
    throw new UsageError(`tinydeploy ${command}: unknown board "${id}" (known: ${known})${customError ? `; custom boards not read: ${customError}` : ''}`);
  }
  return board;
}
