import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../common/errors.js';
import { DeviceManager, deviceManagerOf } from './device-manager.js';

describe('device manager: one owner per device', () => {
  it('lends a device to one owner at a time, naming the holder to the next', () => {
    const devices = new DeviceManager();
    const loan = devices.claim('port:/dev/ttyACM0', 'deploy job j-1');
    expect(devices.ownerOf('port:/dev/ttyACM0')).toBe('deploy job j-1');
    // The same owner may claim again; someone else is told who has it.
    devices.claim('port:/dev/ttyACM0', 'deploy job j-1');
    const error = (() => {
      try {
        devices.claim('port:/dev/ttyACM0', 'deploy job j-2');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as Error).message).toBe('serial /dev/ttyACM0 is in use by deploy job j-1: wait for it to finish, or stop it');
    loan.release();
    expect(devices.ownerOf('port:/dev/ttyACM0')).toBeUndefined();
    expect(devices.claim('port:/dev/ttyACM0', 'deploy job j-2').owner).toBe('deploy job j-2');
  });

  it('a loan whose owner has ended lapses; a stale release does not free the next owner’s loan', () => {
    const devices = new DeviceManager();
    let running = true;
    const first = devices.claim('board:nucleo-f446re', 'deploy job j-1', () => running);
    expect(() => devices.claim('board:nucleo-f446re', 'deploy job j-2')).toThrow('board nucleo-f446re is in use by deploy job j-1');
    running = false;
    devices.claim('board:nucleo-f446re', 'deploy job j-2');
    first.release();
    expect(devices.ownerOf('board:nucleo-f446re')).toBe('deploy job j-2');
  });

  it('one manager per owner object (the backend’s store)', () => {
    const store = {};
    expect(deviceManagerOf(store)).toBe(deviceManagerOf(store));
    expect(deviceManagerOf(store)).not.toBe(deviceManagerOf({}));
  });
});
