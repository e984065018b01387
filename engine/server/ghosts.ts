/**
 * Ghosts: entities another server owns that this server's clients see (border copies, and players or mobs this
 * server handed off until the new owner's copies arrive). They are not in the world (not simulated, not in the state
 * hash); the replicator treats them as entities keyed by network id, so an entity that becomes a ghost, or a ghost
 * that becomes an entity, changes nothing a client sees.
 */
import type { EntityState } from '../codec/entity-delta.ts';
import { chunkOf } from '../replication/interest.ts';
import { dequantizeField, type EntityLayout } from '../replication/entity-layout.ts';
import type { ReplicatedEntity } from './entity-updates.ts';

/** A ghost as another server describes it. */
export interface Ghost {
  /** Entity kind id (of the protocol definition's entities). */
  kind: number;
  /** Name for name tags ('' for none). */
  name: string;
  /** Its replicated state in the entity layout (entity-layout.ts readEntityState); `state.id` is ignored. */
  state: EntityState;
}

/** A replicated entity as of the last interest update: where it was, and its kind and name for spawns. */
export interface TrackedEntity extends ReplicatedEntity {
  /** Chunk x. */
  cx: number;
  /** Chunk z. */
  cz: number;
  /** Entity kind id. */
  kind: number;
  /** Name for name tags. */
  name: string;
}

/** The ghosts of a replicator, by network id. */
export interface GhostTable {
  /** Sets (adds or updates) ghost `netId`; throws RangeError for a bad id, kind or state. */
  set(netId: number, ghost: Ghost): void;
  /** Forgets ghost `netId`. */
  delete(netId: number): void;
  /**
   * Appends the ghosts to `entities` (the real ones) in network id order, tracked in `tracked`; a ghost whose network
   * id is a real entity's now is forgotten (the entity took its place). Those that appeared or changed column, or
   * were a real entity until now, also go to `moved`.
   */
  addTo(entities: TrackedEntity[], moved: TrackedEntity[], tracked: Map<number, TrackedEntity>): void;
}

/** Creates an empty table for entity layout `layout` and the protocol's entity kind ids `kinds`. */
export function createGhostTable(layout: EntityLayout, kinds: ReadonlySet<number>): GhostTable {
  const ghosts = new Map<number, Ghost>();
  /** The chunk a ghost stands in, from its state's position fields. */
  const chunk = (st: EntityState, axis: 'x' | 'z'): number => {
    const i = layout.motion[axis];
    return i < 0 ? 0 : chunkOf(dequantizeField(layout.fields[i], st.v[i]));
  };
  return {
    set(netId, ghost) {
      if (!Number.isInteger(netId) || netId < 1 || netId > 0xffffffff) throw new RangeError(`ghost netId must be an integer in 1..4294967295, got ${netId}`);
      if (ghost.state.v.length !== layout.fields.length) throw new RangeError(`ghost ${netId}: state has ${ghost.state.v.length} fields; the entity layout has ${layout.fields.length}`);
      if (!kinds.has(ghost.kind)) throw new RangeError(`ghost ${netId}: the protocol definition has no entity kind ${ghost.kind}`);
      ghosts.set(netId, { kind: ghost.kind, name: ghost.name, state: { id: netId, v: ghost.state.v } });
    },
    delete: (netId) => { ghosts.delete(netId); },
    addTo(entities, moved, tracked) {
      if (ghosts.size === 0) return;
      const real = new Set(entities.map((e) => e.netId));
      for (const netId of [...ghosts.keys()].sort((a, b) => a - b)) {
        const g = ghosts.get(netId)!;
        if (real.has(netId)) { ghosts.delete(netId); continue; }
        const cx = chunk(g.state, 'x'), cz = chunk(g.state, 'z');
        let t = tracked.get(netId);
        if (!t || t.eid !== -1) {
          t = { eid: -1, netId, cx, cz, kind: g.kind, name: g.name };
          tracked.set(netId, t);
          moved.push(t);
        } else if (t.cx !== cx || t.cz !== cz || t.kind !== g.kind) {
          t.cx = cx; t.cz = cz; t.kind = g.kind;
          moved.push(t);
        }
        t.ghost = { state: g.state, cx, cz };
        entities.push(t);
      }
    },
  };
}
