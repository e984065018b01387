/**
 * Column resyncs on the client: when something about a column cannot be applied (a section update whose checksum
 * does not match, a column that does not decode), the client ignores that column's section updates and asks the
 * server for the column again, whole (ChunkResync), instead of disconnecting. A column that keeps failing is given up
 * on after {@link MAX_RESYNCS} resyncs in a row.
 */
import { chunkKey } from '../voxel/voxel-world.ts';

/** Resyncs of one column in a row (with no section update applied in between) before the client gives up. */
export const MAX_RESYNCS = 3;

/** The client's resync state. */
export interface ColumnResyncs {
  /** Columns asked for again and not yet received, by chunk key: their section updates are ignored meanwhile. */
  readonly awaiting: Set<number>;
  /** Failures of each column in a row, by chunk key (cleared when a section update of it applies). */
  readonly failures: Map<number, number>;
}

/** What to do about a column that failed. */
export type ResyncDecision = 'request' | 'give-up';

/** Creates an empty state. */
export function createColumnResyncs(): ColumnResyncs {
  return { awaiting: new Set(), failures: new Map() };
}

/**
 * Column (cx, cz) could not be applied: 'request' (send ChunkResync; its updates are ignored until the column comes)
 * or 'give-up' after {@link MAX_RESYNCS} resyncs in a row failed.
 */
export function columnFailed(r: ColumnResyncs, cx: number, cz: number): ResyncDecision {
  const key = chunkKey(cx, cz);
  const n = (r.failures.get(key) ?? 0) + 1;
  r.failures.set(key, n);
  if (n > MAX_RESYNCS) return 'give-up';
  r.awaiting.add(key);
  return 'request';
}

/** How many times column (cx, cz) failed in a row. */
export function failuresOf(r: ColumnResyncs, cx: number, cz: number): number {
  return r.failures.get(chunkKey(cx, cz)) ?? 0;
}

/** True while the client waits for column (cx, cz) whole and ignores its section updates. */
export function awaitingColumn(r: ColumnResyncs, cx: number, cz: number): boolean {
  return r.awaiting.has(chunkKey(cx, cz));
}

/** A whole column (cx, cz) was stored. */
export function columnArrived(r: ColumnResyncs, cx: number, cz: number): void {
  r.awaiting.delete(chunkKey(cx, cz));
}

/** A section update of column (cx, cz) applied cleanly: its failures in a row are over. */
export function columnApplied(r: ColumnResyncs, cx: number, cz: number): void {
  if (r.failures.size) r.failures.delete(chunkKey(cx, cz));
}

/** Column (cx, cz) was unloaded, or (with no arguments) the session ended: forget it (everything). */
export function forgetColumns(r: ColumnResyncs, cx?: number, cz?: number): void {
  if (cx === undefined || cz === undefined) { r.awaiting.clear(); r.failures.clear(); return; }
  r.awaiting.delete(chunkKey(cx, cz));
  r.failures.delete(chunkKey(cx, cz));
}
