import { boards, defaultBoardId, findBoard, type Board } from '../core/common/boards/index.js';
import { UsageError } from '../core/common/errors.js';
import { stringOption, type ParsedArgs } from './args.js';

/** The `--board <id>` option's description, the same in every command that takes it. */
export const boardOptionSpec = {
  type: 'string',
  value: 'id',
  description: `board (default ${defaultBoardId}; known: ${boards.map((board) => board.id).join(', ')}; see tinydeploy boards)`,
} as const;

/** The board `--board` names (default: the catalog's default); an unknown id is a usage error listing the known ones. */
export function boardOption(args: ParsedArgs, command: string): Board {
  const id = stringOption(args, 'board') ?? defaultBoardId;
  const board = findBoard(id);
  if (!board) throw new UsageError(`tinydeploy ${command}: unknown board "${id}" (known: ${boards.map((known) => known.id).join(', ')})`);
  return board;
}
