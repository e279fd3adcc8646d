import { DeviceError } from '../../../common/errors.js';
import { type ElfImage, imageBytes } from './elf-image.js';
import type { GdbClient } from './gdb-client.js';

/**
 * Flashing over a GDB server: write each loadable segment with `M` packets, read it back to
 * check (optional), then reset through the server's monitor so the core reloads SP and PC from
 * the new vector table. The target is left halted; the caller resumes it (GdbClient.detach)
 * once it is ready to listen (e.g. after opening the serial port).
 *
 * This suits targets whose "flash" is RAM to the debugger (QEMU's code memory) or a server that
 * programs flash transparently on memory writes (OpenOCD with `gdb_memory_map`/flash write
 * enabled). Servers that need vFlash packets are not handled here.
 */
export interface FlashOptions {
  /** Read every segment back and compare (default true). */
  verify?: boolean;
  /** Monitor command that resets the target into the new image; `null` skips the reset (default `system_reset`, QEMU's). */
  resetCommand?: string | null;
  /** Called with bytes written so far and the total. */
  onProgress?: (written: number, total: number) => void;
}

export interface FlashReport {
  /** Bytes written. */
  bytes: number;
  segments: number;
  /** Wall time of writing (and verifying), ms. */
  milliseconds: number;
}

export async function flashImage(client: GdbClient, image: ElfImage, options: FlashOptions = {}): Promise<FlashReport> {
  const started = performance.now();
  const total = imageBytes(image);
  let done = 0;
  for (const segment of image.segments) {
    await client.writeMemory(segment.physicalAddress, segment.data, (written) => options.onProgress?.(done + written, total));
    done += segment.data.length;
  }
  if (options.verify ?? true) {
    for (const segment of image.segments) {
      const readBack = await client.readMemory(segment.physicalAddress, segment.data.length);
      const mismatch = firstDifference(segment.data, readBack);
      if (mismatch >= 0) {
        const address = segment.physicalAddress + mismatch;
        throw new DeviceError(
          `flash verification failed at 0x${address.toString(16)}: wrote 0x${segment.data[mismatch].toString(16).padStart(2, '0')}, ` +
            `read back 0x${readBack[mismatch].toString(16).padStart(2, '0')} (is this address writable memory on the board?)`,
          { address },
        );
      }
    }
  }
  const resetCommand = options.resetCommand === undefined ? 'system_reset' : options.resetCommand;
  if (resetCommand !== null) await client.monitor(resetCommand);
  return { bytes: total, segments: image.segments.length, milliseconds: performance.now() - started };
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
