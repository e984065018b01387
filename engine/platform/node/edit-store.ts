/**
 * Durable block edits in SQLite (Node's built-in `node:sqlite`), WAL mode. Terrain is regenerated from the seed, so
 * only edits are stored: the latest block per position. Each tick's edits are written in one transaction before the
 * server acknowledges them. How far "durable" goes is {@link StoreSync}: by default an acknowledged edit survives a
 * crash of the process but not of the machine.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One stored edit. */
export interface StoredEdit {
  /** Block x. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** Block id now at the position. */
  block: number;
  /** Server tick of the edit. */
  tick: number;
}

/** An open edit store. */
export interface EditStore {
  /** The database file (or ':memory:'). */
  readonly path: string;
  /** How durable each commit is, as SQLite reports it for this connection. */
  readonly sync: StoreSync;
  /** Writes a batch of edits in one transaction (later edits of a position replace earlier ones). */
  commit(edits: readonly StoredEdit[]): void;
  /** Every stored edit, in tick order then position. */
  loadAll(): StoredEdit[];
  /** Reads a metadata value. */
  getMeta(key: string): string | undefined;
  /** Writes a metadata value. */
  setMeta(key: string, value: string): void;
  /** Closes the database. */
  close(): void;
}

/**
 * SQLite's `synchronous` setting with WAL. `normal`: a committed edit survives the process being killed, but the last
 * transactions before a power cut or kernel crash may be lost (the database stays consistent). `full`: every commit
 * is fsynced, so it survives a power cut too, at the cost of one disk flush per tick with edits.
 */
export type StoreSync = 'normal' | 'full';

/** Options of {@link openEditStore}. */
export interface EditStoreOptions {
  /** Durability of each commit (default `normal`). */
  sync?: StoreSync;
}

/** Opens (creating when needed) the edit store at `path`. */
export function openEditStore(path: string, options: EditStoreOptions = {}): EditStore {
  const sync = options.sync ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') throw new RangeError(`edit store sync must be 'normal' or 'full'; got '${String(sync)}'`);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'};
    CREATE TABLE IF NOT EXISTS edits (x INTEGER NOT NULL, y INTEGER NOT NULL, z INTEGER NOT NULL,
      block INTEGER NOT NULL, tick INTEGER NOT NULL, PRIMARY KEY (x, y, z)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  const upsert: StatementSync = db.prepare(
    'INSERT INTO edits (x, y, z, block, tick) VALUES (?, ?, ?, ?, ?) ON CONFLICT (x, y, z) DO UPDATE SET block = excluded.block, tick = excluded.tick',
  );
  const all = db.prepare('SELECT x, y, z, block, tick FROM edits ORDER BY tick, x, y, z');
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  // Read back from this connection: what the store reports is what SQLite does.
  const level = (db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
  return {
    path,
    sync: level >= 2 ? 'full' : 'normal',
    commit(edits) {
      if (edits.length === 0) return;
      db.exec('BEGIN');
      try {
        for (const e of edits) upsert.run(e.x, e.y, e.z, e.block, e.tick);
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    loadAll: () => all.all() as unknown as StoredEdit[],
    getMeta: (key) => (getMeta.get(key) as { value: string } | undefined)?.value,
    setMeta: (key, value) => { setMeta.run(key, value); },
    close: () => db.close(),
  };
}
