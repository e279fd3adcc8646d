import { DeviceError } from '../../common/errors.js';

/**
 * One owner per device. A real board's serial port opens in one process only, and a probe serves
 * one GDB server: whoever uses a board — a deploy job, a connection in this process — takes it
 * from the manager first and gives it back when done, so a second user is told who has it
 * instead of failing later on a busy port. Keys are a board (`board:<id>`) or a port
 * (`port:<path>`).
 *
 * A loan can carry a liveness check (`stillOwned`): the backend lends a board to a deploy job
 * that runs in a worker process and ends without telling the manager, so a loan whose job has
 * finished is void and the next claim succeeds.
 */
export interface DeviceLoan {
  key: string;
  owner: string;
  release(): void;
}

export class DeviceManager {
  private readonly loans = new Map<string, { owner: string; stillOwned: () => boolean; token: object }>();

  /** Who holds `key` now (undefined when free; a loan whose owner has ended is dropped). */
  ownerOf(key: string): string | undefined {
    const loan = this.loans.get(key);
    if (loan && !loan.stillOwned()) this.loans.delete(key);
    return this.loans.get(key)?.owner;
  }

  /**
   * Lends `key` to `owner`. The same owner may claim it again (a job prepared twice). DeviceError
   * naming the device and its holder when someone else has it.
   */
  claim(key: string, owner: string, stillOwned: () => boolean = () => true): DeviceLoan {
    const holder = this.ownerOf(key);
    if (holder !== undefined && holder !== owner) {
      throw new DeviceError(`${describeKey(key)} is in use by ${holder}: wait for it to finish, or stop it`, { device: key, owner: holder });
    }
    // The same owner claiming again shares its loan: either release frees the device.
    const token = holder === owner ? this.loans.get(key)!.token : {};
    this.loans.set(key, { owner, stillOwned, token });
    return {
      key,
      owner,
      release: () => {
        if (this.loans.get(key)?.token === token) this.loans.delete(key);
      },
    };
  }
}

function describeKey(key: string): string {
  if (key.startsWith('board:')) return `board ${key.slice('board:'.length)}`;
  if (key.startsWith('port:')) return `serial ${key.slice('port:'.length)}`;
  return key;
}

/** The manager of this process: ports opened here (connections). */
export const localDevices = new DeviceManager();

const perOwner = new WeakMap<object, DeviceManager>();

/** The manager belonging to `owner` (the backend's store: the boards it lends to jobs). */
export function deviceManagerOf(owner: object): DeviceManager {
  let manager = perOwner.get(owner);
  if (!manager) perOwner.set(owner, (manager = new DeviceManager()));
  return manager;
}
