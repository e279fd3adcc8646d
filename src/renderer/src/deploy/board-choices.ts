/**
 * What the Deploy tab's board picker offers, from the devices listing: the boards in three
 * groups — virtual (QEMU), the catalog's real boards (plugged in or not) and the user's own —
 * each with whether it can be deployed to now and why not; and, for a virtual board, the boards
 * its cycle estimate can be for (`deploy --target`): every real board whose core can run the
 * virtual board's build (a build with DSP instructions cannot be priced for a core without them).
 */
import { findBoard } from '../../../core/common/boards/catalog.js';
import type { BoardDescription, DeviceListing } from '../../../shared/services/types.js';

export interface BoardChoice {
  board: BoardDescription;
  group: 'virtual' | 'catalog' | 'custom';
  /** The serial port it is plugged in on, when the listing has one with its probe's USB id. */
  port?: string;
  /** One line after its name: "plugged in on /dev/ttyACM0", "not plugged in", the reason it cannot deploy. */
  status: string;
}

export const groupLabels: Record<BoardChoice['group'], string> = {
  virtual: 'Virtual boards (QEMU)',
  catalog: 'Real boards',
  custom: 'My boards',
};

export function boardChoices(listing: DeviceListing | undefined): BoardChoice[] {
  if (!listing) return [];
  return listing.boards.map((board) => {
    const group: BoardChoice['group'] = board.kind === 'virtual' ? 'virtual' : findBoard(board.id) ? 'catalog' : 'custom';
    const port = listing.serial.find((device) => device.boardIds.includes(board.id))?.path;
    let status: string;
    if (board.kind === 'virtual') status = board.deployable ? 'virtual' : (board.reason ?? 'unavailable');
    else if (board.deployable) status = port ? `plugged in on ${port}` : 'plugged in';
    else status = board.reason ?? 'cannot deploy';
    return { board, group, ...(port ? { port } : {}), status };
  });
}

/** Cores without the DSP extension (SMLAD, SXTB16). */
const noDsp = new Set(['cortex-m0plus', 'cortex-m3']);

function hasDsp(board: BoardDescription): boolean {
  return findBoard(board.id)?.dsp ?? !noDsp.has(board.core);
}

/** The boards a virtual board's estimate can be for (none for a real board, which measures cycles). */
export function estimateTargets(listing: DeviceListing | undefined, boardId: string | undefined): BoardDescription[] {
  const board = listing?.boards.find((candidate) => candidate.id === boardId);
  if (!listing || !board || board.kind !== 'virtual') return [];
  const dsp = hasDsp(board);
  return listing.boards.filter((candidate) => candidate.kind === 'real' && candidate.id !== 'real-template' && (!dsp || hasDsp(candidate)));
}
