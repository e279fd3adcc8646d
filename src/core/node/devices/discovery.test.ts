import { describe, expect, it } from 'vitest';
import { discoverSerialPorts, listSerialPorts, serialListingFailure } from './discovery.js';

/** The error Node gives when serialport runs udevadm and it is not installed. */
const udevadmMissing = () => Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT', errno: -2, syscall: 'spawn udevadm', path: 'udevadm' });

describe('serial port discovery', () => {
  it('identifies ports by USB id, in path order', async () => {
    const ports = await listSerialPorts(async () => [
      { path: '/dev/ttyUSB0', vendorId: '1A86', productId: '7523' },
      { path: '/dev/ttyACM0', vendorId: '0d28', productId: '204', serialNumber: 'A1', manufacturer: 'Arm' },
    ]);
    expect(ports.map((port) => [port.path, port.vendorId, port.productId, port.probe?.name])).toEqual([
      ['/dev/ttyACM0', '0d28', '0204', 'Arm DAPLink CMSIS-DAP'],
      ['/dev/ttyUSB0', '1a86', '7523', undefined],
    ]);
  });

  it('never fails as a whole: a listing that throws gives no ports and the reason, with what to install', async () => {
    const lister = () => listSerialPorts(() => Promise.reject(udevadmMissing()));
    await expect(lister()).rejects.toThrow('spawn udevadm ENOENT');
    expect(await discoverSerialPorts(lister)).toEqual({ ports: [], error: 'cannot list serial ports: udevadm not found (apt-get install udev)' });
    const denied = Object.assign(new Error('EACCES: permission denied, open /run/udev/data'), { code: 'EACCES' });
    expect(await discoverSerialPorts(() => Promise.reject(denied))).toEqual({ ports: [], error: 'cannot list serial ports: EACCES: permission denied, open /run/udev/data' });
    expect(serialListingFailure('no ports for you')).toBe('cannot list serial ports: no ports for you');
  });

  it('passes a working listing through without an error', async () => {
    expect(await discoverSerialPorts(async () => [])).toEqual({ ports: [] });
  });
});
