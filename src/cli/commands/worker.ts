/**
 * `tinydeploy worker --queue redis://… [--boards a,b]`: this machine runs search trials for
 * `tinydeploy search --queue` on the boards plugged into it (or virtual ones), until Ctrl+C.
 */

import { UsageError } from '../../core/common/errors.js';
import { startTrialWorker } from '../../core/node/search/distributed.js';
import { findBoardIn } from '../../core/node/store/custom-boards.js';
import { boards as catalog, defaultBoardId } from '../../core/common/boards/index.js';
import { integerOption, stringOption } from '../args.js';
import { dataDirOption } from '../board-option.js';
import type { Command } from '../command.js';
import { stopRequested } from './serve.js';

export const workerCommand: Command = {
  spec: {
    name: 'worker',
    summary: 'Run architecture-search trials that `tinydeploy search --queue` puts on a Redis queue, on the boards of this machine.',
    positionals: [],
    options: {
      queue: { type: 'string', value: 'redis://…', required: true, description: 'the Redis the search enqueues its trials on (BullMQ)' },
      boards: { type: 'string', value: 'ids', description: `boards of this machine whose trials it takes, comma-separated (default ${defaultBoardId})` },
      'lock-seconds': { type: 'integer', value: 's', description: 'seconds a trial may go without this worker renewing its claim before another worker takes it over (default 30)' },
      'data-dir': { type: 'string', value: 'dir', description: "data folder with the custom boards (default: the desktop app's)" },
    },
    notes:
      'Each trial trains, quantizes and deploys the candidate on the board and returns what it measured to the search.\n' +
      'The dataset is read at the path the search gave, so it must be at the same path on every machine.\n' +
      'A worker that dies mid-trial loses its claim after the lock time; another worker then runs the trial again.',
  },
  async run(args, io) {
    const ids = (stringOption(args, 'boards') ?? defaultBoardId)
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const boards = ids.map((id) => {
      const { board, custom } = findBoardIn(dataDirOption(args), id);
      if (!board) throw new UsageError(`tinydeploy worker: unknown board "${id}" (known: ${[...catalog, ...custom].map((known) => known.id).join(', ')})`);
      return board;
    });
    const lockSeconds = integerOption(args, 'lock-seconds') ?? 30;
    if (!(lockSeconds >= 1)) throw new UsageError(`tinydeploy worker: --lock-seconds must be at least 1, got ${lockSeconds}`);
    const log = (message: string) => io.stderr.write(`${message}\n`);
    const worker = await startTrialWorker(stringOption(args, 'queue')!, boards, { lockDurationMs: lockSeconds * 1000, log });
    const signal = await stopRequested();
    log(`${signal}: finishing`);
    await worker.close();
    return 0;
  },
};
