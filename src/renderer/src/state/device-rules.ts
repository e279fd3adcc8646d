/**
 * What the window says about the device listing, as plain functions: while it loads, once it
 * arrived, when the ports could not be listed (the boards still are: a partial failure), and when
 * the listing failed altogether (it then says why instead of "loading…" forever).
 */

import type { DeviceListing } from '../../../shared/services/types.js';

export interface DevicesStatus {
  state: 'loading' | 'listed' | 'partial' | 'failed';
  /** One line for a header or a select's placeholder. */
  text: string;
  /** Why part or all of the listing is missing. */
  problem?: string;
}

export function devicesStatus(listing: DeviceListing | undefined, error: Error | undefined): DevicesStatus {
  if (listing) {
    const boards = `${listing.boards.length} ${listing.boards.length === 1 ? 'board' : 'boards'}`;
    if (listing.serialError) return { state: 'partial', text: `${boards}; serial devices cannot be listed`, problem: listing.serialError };
    return { state: 'listed', text: `${boards}, ${listing.serial.length} serial ${listing.serial.length === 1 ? 'device' : 'devices'}` };
  }
  if (error) return { state: 'failed', text: 'the boards cannot be listed', problem: error.message };
  return { state: 'loading', text: 'loading…' };
}
