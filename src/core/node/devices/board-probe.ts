/** A GDB server and a serial port: what a debug probe (or QEMU standing in for one) offers. */
export interface BoardProbe {
  readonly description: string;
  readonly gdbServer: { host: string; port: number };
  readonly serialPath: string;
  readonly running: boolean;
  /** Fails `operation` with the probe's own error (e.g. "QEMU crashed") when the probe dies meanwhile. */
  guard<T>(operation: Promise<T>): Promise<T>;
  crashError(): Error | undefined;
  /** Where the core is, for a board that does not answer (e.g. "HardFault handler, pc …"). */
  describeCore?(firmware?: Uint8Array): Promise<string | undefined>;
  close(): Promise<void>;
}
