/**
 * How the UI writes numbers, sizes, shapes, units and times. One module so every table, chart
 * and badge agrees with the others and with `tinydeploy inspect` (grouped integers: 2,656,768).
 */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 2656768 → "2,656,768". */
export function formatCount(value: number): string {
  return grouped.format(value);
}

/**
 * Bytes for people, in binary units: 512 → "512 B", 53_248 → "52.0 KiB", 4 MiB → "4.00 MiB".
 * Three significant digits above a KiB, so columns of sizes line up in monospace.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${formatCount(value)} B`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** [1, 49, 10, 1] → "1×49×10×1"; a scalar → "scalar". */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** 0.9012 → "90.1%"; the share of a whole, one decimal. */
export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A latency with its honest unit (DESIGN.md: virtual boards count instructions, never cycles or ms). */
export interface LatencyLike {
  value: number;
  unit: 'instructions' | 'cycles';
  milliseconds?: number;
}

/** "1,234,567 instructions" or "1,234,567 cycles (49.38 ms)". */
export function formatLatency(latency: LatencyLike): string {
  const base = `${formatCount(latency.value)} ${latency.unit}`;
  return latency.milliseconds === undefined ? base : `${base} (${formatMilliseconds(latency.milliseconds)})`;
}

/** 49.3791 → "49.38 ms", 0.0123 → "12.3 µs", 1234.5 → "1.23 s". */
export function formatMilliseconds(milliseconds: number): string {
  if (milliseconds < 1) return `${(milliseconds * 1000).toPrecision(3)} µs`;
  if (milliseconds < 1000) return `${milliseconds.toFixed(2)} ms`;
  return `${(milliseconds / 1000).toFixed(2)} s`;
}

/** Elapsed time between two ISO strings: "2.4 s", "3 min 05 s"; "–" when either is missing. */
export function formatElapsed(start: string | undefined, end: string | undefined): string {
  if (!start || !end) return '–';
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')} s`;
}

/** An ISO time as the user's local "2025-03-14 15:09:26" (sortable, unambiguous in tables). */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** "sha256:0123abcd…" → "0123abcd" (enough to tell variants apart in a table). */
export function shortHash(hash: string): string {
  const hex = hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
  return hex.slice(0, 8);
}

/** A USB id as lsusb prints it: "0d28:0204"; "–" when the port has none. */
export function formatUsbId(vendorId: string | undefined, productId: string | undefined): string {
  return vendorId && productId ? `${vendorId.toLowerCase()}:${productId.toLowerCase()}` : '–';
}

/**
 * The precision a variant computes in, in words: "int8", "float32", or for a hybrid model (int8
 * weights, float32 compute) "hybrid: int8 weights, float32 compute".
 */
export function formatPrecision(summary: { dtype: string; weightDtype?: string }): string {
  if (summary.weightDtype && summary.weightDtype !== summary.dtype && summary.dtype.startsWith('float')) return `hybrid: ${summary.weightDtype} weights, ${summary.dtype} compute`;
  return summary.dtype;
}

/**
 * A variant as a select option names it: "kws (int8, 52.0 KiB)", a hybrid "kws (hybrid: int8
 * weights, float32 compute, 20.1 KiB)"; the size only when `fileBytes` is given.
 */
export function formatVariantOption(variant: { name: string; summary: { dtype: string; weightDtype?: string } }, fileBytes?: number): string {
  const precision = formatPrecision(variant.summary);
  return fileBytes === undefined ? `${variant.name} (${precision})` : `${variant.name} (${precision}, ${formatBytes(fileBytes)})`;
}

/** Longest name (project, variant, dataset) the services keep; inputs stop there. */
export const maxNameLength = 200;

/**
 * An error as the user should read it. A request a schema refused (`RequestError`, the words
 * of the service proxy, e.g. "models.rename: name must be a non-empty string of at most 200
 * characters, …, got "xxx…" (339 characters)") becomes a sentence about the field; anything
 * else keeps its message.
 */
export function friendlyError(error: Error): { title: string; message: string } {
  if (error.name === 'RequestError') {
    const field = /^[\w.]+: (\w+) (?:must be|is missing)/.exec(error.message)?.[1];
    const limit = /at most ([\d,]+) characters/.exec(error.message)?.[1];
    const length = /\((\d[\d,]*) characters\)\s*$/.exec(error.message)?.[1];
    if (field && limit && length) return { title: 'Too long', message: `The ${field} has ${length} characters; at most ${limit} are allowed.` };
    if (field && /got ""$/.test(error.message)) return { title: 'Missing', message: `The ${field} must not be empty.` };
    if (field) return { title: 'Not accepted', message: `The ${field} was not accepted: ${error.message.replace(/^[\w.]+: /, '')}` };
  }
  return { title: error.name && error.name !== 'Error' ? error.name : 'Error', message: error.message };
}

/** What a latency counts, in words, for a tooltip or a caption beside the figure. */
export function latencyMeaning(unit: 'instructions' | 'cycles', board?: { cpuHz?: number; name?: string }): string {
  const clock = board?.cpuHz ? ` at ${formatClock(board.cpuHz)}` : '';
  return unit === 'instructions'
    ? `executed instructions of one inference, counted by QEMU (a virtual board is not cycle-accurate: not cycles or time${board?.name ? `; ${board.name}${clock}` : ''})`
    : `CPU cycles of one inference, measured by the board's cycle counter${board?.name ? ` (${board.name}${clock})` : ''}`;
}

/** 120e6 → "120 MHz", 64e6 → "64 MHz", 32768 → "32.8 kHz". */
export function formatClock(hertz: number): string {
  if (hertz >= 1e6) return `${Number((hertz / 1e6).toPrecision(4))} MHz`;
  return `${Number((hertz / 1e3).toPrecision(3))} kHz`;
}
