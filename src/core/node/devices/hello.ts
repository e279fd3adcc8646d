import { TimeoutError } from '../../common/errors.js';
import type { DeviceClient } from '../../common/protocol/client.js';
import type { BoardInfo } from '../../common/protocol/messages.js';

export interface HelloOptions {
  attempts?: number;
  timeoutMs?: number;
}

/**
 * HELLO with retries, the last step of connecting any board. A board that never answers is a
 * TimeoutError naming the board, the line and the attempts, plus where its core is when the back
 * end can tell (`describeCore`, e.g. "HardFault handler, pc …"); `core` goes into the error's data.
 */
export async function helloOrExplain(
  client: DeviceClient,
  boardId: string,
  line: string,
  options: HelloOptions,
  describeCore: () => Promise<{ description: string; core: unknown } | undefined>,
): Promise<BoardInfo> {
  const attempts = options.attempts ?? 20;
  const timeoutMs = options.timeoutMs ?? 250;
  try {
    return await client.hello({ attempts, timeoutMs });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const found = await describeCore();
    throw new TimeoutError(`board ${boardId} did not answer HELLO on ${line} (${attempts} attempts × ${timeoutMs} ms)${found ? `; its core is in ${found.description}` : ''}`, {
      ...error.data,
      board: boardId,
      core: found?.core,
    });
  }
}
