import { describe, expect, it } from 'vitest';
import { DeviceError, ProtocolError, TimeoutError } from '../../../common/errors.js';
import { mayBeDyingBoard } from './qemu-process.js';

describe('QemuProcess.guard: which failures may be a dying QEMU', () => {
  it('checks on a closed line or a failed write, not on timeouts, corrupted replies or board answers', () => {
    expect(mayBeDyingBoard(new DeviceError('RUN (request 5): serial /dev/pts/3 is closed', { transport: 'serial /dev/pts/3' }))).toBe(true);
    expect(mayBeDyingBoard(new DeviceError('RUN (request 5): writing to serial /dev/pts/3 failed: EIO'))).toBe(true);
    // Reported when the session gives up, within its stated deadline: QEMU's exit would have closed the line first.
    expect(mayBeDyingBoard(new TimeoutError('RUN (request 5): no reply from serial /dev/pts/3 within 50 ms (3 attempts)'))).toBe(false);
    expect(mayBeDyingBoard(new ProtocolError('RUN (request 5): no valid reply from serial /dev/pts/3 in 3 attempts'))).toBe(false);
    expect(mayBeDyingBoard(new DeviceError('RUN (request 5): the board answered BAD_RANGE', { command: 'RUN', status: 'BAD_RANGE' }))).toBe(false);
  });
});
