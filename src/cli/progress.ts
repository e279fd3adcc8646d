/**
 * Progress on stderr for long commands. On a terminal: one bar redrawn in place at most ten
 * times a second and erased at the end. Otherwise (CI logs, pipes): one plain line per 10%,
 * so a log gets eleven lines at most whatever the dataset size.
 */

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporter {
  update(done: number, total: number, detail?: string): void;
  /** Erases the bar (terminal) so the command's result starts on a clean line. */
  finish(): void;
}

export function progressReporter(stream: ProgressStream, label: string, now: () => number = () => performance.now()): ProgressReporter {
  if (stream.isTTY) {
    let lastDraw = -Infinity;
    let drawn = false;
    return {
      update(done, total, detail) {
        const time = now();
        if (done < total && time - lastDraw < 100) return;
        lastDraw = time;
        const fraction = total > 0 ? done / total : 1;
        const width = 20;
        const filled = Math.round(fraction * width);
        const text = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(fraction * 100)
          .toString()
          .padStart(3)}% ${done}/${total}${detail ? ` ${detail}` : ''}`;
        stream.write(`\r\x1b[K${text.slice(0, (stream.columns ?? 80) - 1)}`);
        drawn = true;
      },
      finish() {
        if (drawn) stream.write('\r\x1b[K');
      },
    };
  }
  let lastTenth = -1;
  return {
    update(done, total) {
      const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      stream.write(`${label}: ${tenth * 10}% (${done}/${total})\n`);
    },
    finish() {},
  };
}

/**
 * Progress of a job made of named steps (build, flash, run, verify): on a terminal one line
 * redrawn in place and erased at the end; otherwise one line per new message, so a CI log reads
 * as the list of steps.
 */
export function stepReporter(stream: ProgressStream, label: string): { update(message: string): void; finish(): void } {
  let last = '';
  let drawn = false;
  return {
    update(message) {
      if (message === last) return;
      last = message;
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${`${label}: ${message}`.slice(0, (stream.columns ?? 80) - 1)}`);
        drawn = true;
      } else {
        stream.write(`${label}: ${message}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
