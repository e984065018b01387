/**
 * Per-client entity baselines. The server remembers what it sent each client at each replication tick; the
 * client acknowledges the newest tick it received (InputBundle.ackTick), and the next update is a delta against
 * what was sent at that tick. A lost datagram is never needed again: the next delta is against an acked state.
 * The client keeps the states it decoded per tick, to look up the baseline the server names.
 *
 * Wire format of `EntityUpdate.data`: uvar count of removed ids, each id as uvar; uvar count of entity records, then
 * the records in increasing id order (entity-delta.ts `writeEntityRecord`: ids as distances from the previous
 * record's), each written against the EXPECTED state of that entity: its baseline state
 * extrapolated from `baselineTick` to `tick` by {@link extrapolateState} (dead reckoning), or the layout's zero state
 * when the client has no baseline for it. The fields are the entity layout's (entity-layout.ts). Entities left out are unchanged since the baseline (not since the expected state).
 */
import { readEntityRecord, writeEntityRecord, type EntityState, changedMask } from '../codec/entity-delta.ts';
import { createByteReader, createByteWriter, readVarint, remaining, writeVarint, written } from '../codec/byte-io.ts';
import { CodecError } from '../codec/codec-error.ts';
import type { Tick } from '../tick.ts';
import { extrapolateState } from './entity-extrapolation.ts';
import type { EntityLayout } from './entity-layout.ts';

/** Ticks of history kept on each side (a baseline older than this is not used: the delta goes against zero). */
export const BASELINE_HISTORY = 32;

/** Snapshots by tick, newest kept. */
export interface SnapshotHistory {
  /** States by entity id, per tick. */
  readonly byTick: Map<Tick, Map<number, EntityState>>;
}

/** Creates an empty history. */
export function createSnapshotHistory(): SnapshotHistory {
  return { byTick: new Map() };
}

/** Records what the client holds after the update of `tick` (dropping history older than {@link BASELINE_HISTORY}). */
export function remember(h: SnapshotHistory, tick: Tick, states: Map<number, EntityState>): void {
  h.byTick.set(tick, states);
  for (const t of h.byTick.keys()) if (t <= tick - BASELINE_HISTORY) h.byTick.delete(t);
}

/** Most entities in one update. */
export const MAX_UPDATE_ENTITIES = 4096;

/** An encoded update for one client. */
export interface EntityUpdate {
  /** The tick the states are for. */
  tick: Tick;
  /** The tick of the baseline the delta is against (0 = against zero). */
  baselineTick: Tick;
  /** Encoded: ids removed since the baseline, then the changed entities' deltas (entity-delta codec). */
  data: Uint8Array;
  /** Entities included (those that changed since the baseline). */
  count: number;
}

/**
 * Server side: encodes `states` for a client whose newest acknowledged tick is `ackTick`, and records them as sent
 * at `tick`. Entities unchanged since the baseline are left out; ids in `states` must be unique.
 */
export function encodeEntityUpdate(layout: EntityLayout, h: SnapshotHistory, tick: Tick, ackTick: Tick, states: readonly EntityState[]): EntityUpdate {
  const base = ackTick > 0 ? h.byTick.get(ackTick) : undefined;
  const current = new Map<number, EntityState>();
  const changed: EntityState[] = [];
  for (const s of states) {
    current.set(s.id, s);
    const b = base?.get(s.id);
    if (!b || changedMask(b, s) !== 0) changed.push(s);
  }
  const removed = base ? [...base.keys()].filter((id) => !current.has(id)).sort((a, b) => a - b) : [];
  const w = createByteWriter(256);
  writeVarint(w, removed.length);
  for (const id of removed) writeVarint(w, id);
  writeVarint(w, changed.length);
  changed.sort((a, b) => a.id - b.id);
  let prevId = 0;
  for (const s of changed) {
    const b = base?.get(s.id);
    writeEntityRecord(w, prevId, b ? extrapolateState(b, tick - ackTick, layout.motion) : layout.zero, s);
    prevId = s.id;
  }
  // After applying, the client holds exactly `current`: baseline - removed + changed.
  remember(h, tick, current);
  return { tick, baselineTick: base ? ackTick : 0, data: written(w).slice(), count: changed.length };
}


/**
 * Client side: decodes an update against the named baseline and records the full set of states at `tick`
 * (baseline states carried over for entities the update left out). Returns null when the baseline is unknown
 * (the update is then dropped; the server falls back to zero baselines once the acks move on).
 */
export function applyEntityUpdate(layout: EntityLayout, h: SnapshotHistory, tick: Tick, baselineTick: Tick, data: Uint8Array): Map<number, EntityState> | null {
  const base = baselineTick > 0 ? h.byTick.get(baselineTick) : undefined;
  if (baselineTick > 0 && !base) return null;
  const states = new Map(base ?? []);
  const r = createByteReader(data, 'entity update', 0, data.length, (m) => new CodecError(m));
  const removed = readVarint(r);
  if (removed > MAX_UPDATE_ENTITIES) throw new CodecError(`entity update removes ${removed} > ${MAX_UPDATE_ENTITIES} entities`);
  for (let i = 0; i < removed; i++) states.delete(readVarint(r));
  const n = readVarint(r);
  if (n > MAX_UPDATE_ENTITIES) throw new CodecError(`entity update of ${n} > ${MAX_UPDATE_ENTITIES} entities`);
  let prevId = 0;
  for (let i = 0; i < n; i++) {
    const s = readEntityRecord(r, prevId, (id) => {
      const b = base?.get(id);
      return b ? extrapolateState(b, tick - baselineTick, layout.motion) : layout.zero;
    });
    states.set(s.id, s);
    prevId = s.id;
  }
  if (remaining(r) !== 0) throw new CodecError(`${remaining(r)} trailing byte(s) in entity update`);
  remember(h, tick, states);
  return states;
}
