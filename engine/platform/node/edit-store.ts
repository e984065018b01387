/**
 * Durable block edits in SQLite (Node's built-in `node:sqlite`), WAL mode. Terrain is regenerated from the seed, so
 * only edits are stored: the latest block per position. Each tick's edits are written in one transaction before the
 * server acknowledges them, so an acknowledged edit survives a crash of the process.
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

/** Opens (creating when needed) the edit store at `path`. */
export function openEditStore(path: string): EditStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  // WAL with synchronous=NORMAL: a committed transaction survives the process being killed (not a power cut).
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
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
  return {
    path,
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
