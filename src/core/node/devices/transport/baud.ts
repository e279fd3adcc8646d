/**
 * A faster line for real boards, agreed after HELLO (PROTOCOL.md's SET_BAUD): inputs of tens of
 * KiB take seconds at 115200 baud. The host asks for each rate in `rates`, fastest first; a board
 * whose UART cannot make one answers BAD_ARGUMENT and the next is asked; firmware without the
 * command answers UNKNOWN_COMMAND and the line stays at 115200. A rate the board accepts is
 * checked with an ECHO at that rate; when the link cannot carry it (a long cable, a probe whose
 * USB bridge does not take the rate), the host goes back to 115200 and sends a burst of 0xFF,
 * which the board, still waiting for its first valid frame at the new rate, receives as garbage
 * and so goes back to 115200 too; HELLO then confirms the line. Virtual boards are never asked.
 */

import { DeviceError } from '../../../common/errors.js';
import type { DeviceClient } from '../../../common/protocol/client.js';
import { DEFAULT_BAUD_RATE } from '../../../common/protocol/messages.js';

/** What baud.ts needs of a transport: its rate can be changed, and raw bytes written. */
export interface BaudTransport {
  setBaudRate(baudRate: number): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
}

export interface BaudNegotiation {
  /** The rate the line runs at from now on. */
  baudRate: number;
  /** Rates the board accepted but the link did not carry (the line went back to 115200 after each). */
  failed: number[];
  /** The board's firmware does not know SET_BAUD. */
  unsupported?: boolean;
}

export interface BaudOptions {
  /** Rates to try, fastest first (default 921600, 460800, 230400). */
  rates?: readonly number[];
  /** How long the ECHO at a new rate may take before the rate is given up (default 300 ms, 2 attempts). */
  checkTimeoutMs?: number;
}

export const defaultBaudRates: readonly number[] = [921_600, 460_800, 230_400];

/** Bytes of 0xFF sent at 115200 to send a board on probation back to 115200: more than its 128-byte limit, seen at any faster rate (as 0x80 … bytes, never a frame). */
const fallbackBurst = new Uint8Array(160).fill(0xff);

/** A link test pattern with every bit transition a wrong rate garbles. */
const echoPattern = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 0x55) & 0xff || 0x55);

/**
 * Agrees a faster rate with the board `client` talks to over `transport` (HELLO done, at
 * 115200). Returns the rate in use afterwards; throws DeviceError naming `port` only when the
 * board answers neither at the new rate nor back at 115200.
 */
export async function negotiateBaudRate(client: DeviceClient, transport: BaudTransport, port: string, options: BaudOptions = {}): Promise<BaudNegotiation> {
  const failed: number[] = [];
  const checkTimeoutMs = options.checkTimeoutMs ?? 300;
  for (const rate of options.rates ?? defaultBaudRates) {
    if (rate <= DEFAULT_BAUD_RATE) continue;
    let answer: Awaited<ReturnType<DeviceClient['setBaudRate']>>;
    try {
      answer = await client.setBaudRate(rate);
    } catch {
      // No answer to SET_BAUD at 115200: the board may have switched anyway (its reply lost), so the rate counts as failed.
      failed.push(rate);
      await backTo115200(client, transport, port, rate);
      continue;
    }
    // BAD_ARGUMENT tries the next rate; UNKNOWN_COMMAND (older firmware) stops the search.
    if ('refused' in answer) {
      if (answer.refused === 'BAD_ARGUMENT') continue;
      return { baudRate: DEFAULT_BAUD_RATE, failed, unsupported: true };
    }
    const accepted = answer.accepted;
    await transport.setBaudRate(accepted);
    try {
      await client.echo(echoPattern, { timeoutMs: checkTimeoutMs, attempts: 2 });
      return { baudRate: accepted, failed };
    } catch {
      failed.push(accepted);
      await backTo115200(client, transport, port, accepted);
    }
  }
  return { baudRate: DEFAULT_BAUD_RATE, failed };
}

async function backTo115200(client: DeviceClient, transport: BaudTransport, port: string, rate: number): Promise<void> {
  await transport.setBaudRate(DEFAULT_BAUD_RATE);
  await transport.write(fallbackBurst);
  try {
    await client.hello({ attempts: 3 });
  } catch (error) {
    throw new DeviceError(
      `serial ${port}: the board answered neither at ${rate} baud nor back at ${DEFAULT_BAUD_RATE} (${error instanceof Error ? error.message : String(error)}); reset it and deploy again`,
      { path: port, baudRate: rate },
    );
  }
}
