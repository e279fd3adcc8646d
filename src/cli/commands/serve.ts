/**
 * `tinydeploy serve`: browser mode from the command line. The server and its security model are
 * the browser-mode host's (src/server); this command parses its options, starts it, prints the
 * address and stops it on Ctrl+C.
 */

import { UsageError } from '../../core/common/errors.js';
import { loopbackHosts, startBrowserMode, type LoopbackHost } from '../../server/index.js';
import { integerOption, stringOption, stringOptions } from '../args.js';
import type { Command } from '../command.js';

/** Resolves when the process is asked to stop (Ctrl+C, SIGTERM). */
export function stopRequested(): Promise<NodeJS.Signals> {
  return new Promise((resolveStop) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const serveCommand: Command = {
  spec: {
    name: 'serve',
    summary: 'Serve the app to a browser on this machine (127.0.0.1 only), protected by a token in the address it prints.',
    positionals: [],
    options: {
      port: { type: 'integer', value: 'n', minimum: 0, description: 'TCP port (default, or 0: a free port the system chooses)' },
      'data-dir': { type: 'string', value: 'dir', description: "data folder: projects, models, jobs (default: the desktop app's, ~/.config/TinyDeploy on Linux)" },
      host: { type: 'string', value: 'address', description: 'loopback address to listen on (default 127.0.0.1)', choices: loopbackHosts },
      renderer: { type: 'string', value: 'dir', description: 'the built renderer to serve (default: out/renderer of this checkout, built on first start)' },
      'allow-folder': {
        type: 'string',
        value: 'dir',
        repeatable: true,
        description: "a folder the browser may add datasets from, with everything inside it (always allowed: the data folder's datasets/)",
      },
    },
    notes:
      'The first start in a fresh checkout builds the app into out/ (electron-vite, about 3 s).\n' +
      'Every request without the token of the printed address is refused (401/403); anyone who has the\n' +
      'address can use TinyDeploy as you. Stop with Ctrl+C: running jobs are marked interrupted.\n' +
      'Datasets are read only from the allowed folders (links and .. cannot lead out of them); models\n' +
      'are uploaded from the browser.',
  },
  async run(args, io) {
    const port = integerOption(args, 'port') ?? 0;
    if (port > 65535) throw new UsageError(`tinydeploy serve: option --port must be at most 65535, got ${port}`);
    const browserMode = await startBrowserMode({
      port,
      host: (stringOption(args, 'host') ?? '127.0.0.1') as LoopbackHost,
      rendererDirectory: stringOption(args, 'renderer'),
      dataDirectory: stringOption(args, 'data-dir'),
      allowedFolders: stringOptions(args, 'allow-folder'),
      onRendererBuild: (message) => io.stderr.write(`${message}\n`),
    });
    for (const warning of browserMode.warnings) io.stderr.write(`warning: ${warning.message}\n`);
    const stopped = stopRequested();
    io.stdout.write(
      `TinyDeploy (data folder ${browserMode.dataDirectory}) is serving at\n\n  ${browserMode.server.url}\n\n` +
        `Datasets may be added from: ${browserMode.allowedFolders.join(', ')}\n` +
        'Open this address in a browser on this machine. Anyone who has it can use TinyDeploy as you.\n' +
        'Press Ctrl+C to stop.\n',
    );
    await stopped;
    io.stdout.write('stopping: running jobs are marked interrupted\n');
    await browserMode.close();
    return 0;
  },
};
