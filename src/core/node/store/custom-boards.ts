import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { customBoard, findBoard, type Board, type CustomBoardSpec } from '../../common/boards/index.js';
import { StoreError, UsageError } from '../../common/errors.js';
import { openStore, type Store } from './store.js';

/**
 * The user's own boards ("My board") in the store's `custom_boards` table (migration 2), each kept
 * as the description the user gave (CustomBoardSpec, JSON) and turned into a board entry by
 * `customBoard` when read, so an entry follows the catalog's rules of the TinyDeploy reading it.
 * Kept beside Store rather than in it: it reaches the database through `store.sqlite`.
 */
export class CustomBoards {
  constructor(private readonly store: Store) {}

  /** Adds a board (checked by `customBoard`); an id already used is a UsageError. */
  add(spec: CustomBoardSpec): Board {
    const board = customBoard(spec);
    if (this.list().some((existing) => existing.id === spec.id)) {
      throw new UsageError(`custom board "${spec.id}" exists already: remove it first (tinydeploy boards remove ${spec.id})`, { board: spec.id });
    }
    this.store.sqlite.prepare('INSERT INTO custom_boards (id, spec, created_at) VALUES (?, ?, ?)').run(spec.id, JSON.stringify(spec), new Date().toISOString());
    return board;
  }

  /** Removes a board; an unknown id is a UsageError. */
  remove(id: string): void {
    const result = this.store.sqlite.prepare('DELETE FROM custom_boards WHERE id = ?').run(id);
    if (result.changes === 0) throw new UsageError(`no custom board "${id}" in ${this.store.dataDirectory}`, { board: id });
  }

  specs(): CustomBoardSpec[] {
    const rows = this.store.sqlite.prepare('SELECT spec FROM custom_boards ORDER BY created_at, rowid').all() as { spec: string }[];
    return rows.map((row) => JSON.parse(row.spec) as CustomBoardSpec);
  }

  /** The board entries, in the order they were added. */
  list(): Board[] {
    return this.specs().map((spec) => customBoard(spec));
  }
}

/**
 * The custom boards of a data folder, for commands that do not keep the store open: [] when the
 * folder has no database yet. A folder in use by the app is a StoreError saying so.
 */
export function readCustomBoards(dataDirectory: string): Board[] {
  if (!existsSync(join(dataDirectory, 'tinydeploy.db'))) return [];
  const store = openStore(dataDirectory);
  try {
    return new CustomBoards(store).list();
  } finally {
    store.close();
  }
}

/**
 * The one board lookup of the node side: the catalog, then the data folder's custom boards (read
 * only when the id is not in the catalog). Undefined when neither has it.
 */
export function findBoardIn(dataDirectory: string, id: string): { board?: Board; custom: Board[]; customError?: string } {
  const board = findBoard(id);
  if (board) return { board, custom: [] };
  try {
    const custom = readCustomBoards(dataDirectory);
    return { board: findBoard(id, custom), custom };
  } catch (error) {
    if (error instanceof StoreError) return { custom: [], customError: error.message };
    throw error;
  }
}
