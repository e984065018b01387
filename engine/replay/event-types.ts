/**
 * The event types an event stream knows: their payloads, the type of each payload field (checked when writing and
 * reading), and the identity fields the stream diff uses to tell which event is which. Streams may also carry
 * other types (e.g. the simulation's ActionRefused); those are written and diffed too, with no field checks and no
 * identity fields.
 */
import type { Tick } from '../tick.ts';

/** Payloads of the known event types, by type name. Every payload carries the tick it happened at. */
export interface StreamEventPayloads {
  /** A client connected. */
  Connected: { tick: Tick; client: number };
  /** A client disconnected; `reason` is a short machine-readable word ("closed", "timeout", "kicked", ...). */
  Disconnected: { tick: Tick; client: number; reason: string };
  /**
   * A client's prediction of entity `netId` disagreed with the authoritative state: it rewound to tick `rewindTo`
   * and replayed `replayed` buffered inputs; `error` is the position error in blocks that triggered it.
   */
  ReconciliationEvent: { tick: Tick; netId: number; rewindTo: Tick; replayed: number; error: number };
  /** Chunk column (cx, cz) (chunk coordinates, i.e. blocks / 16) was loaded or generated. */
  ChunkLoaded: { tick: Tick; cx: number; cz: number };
  /** Chunk column (cx, cz) was unloaded. */
  ChunkUnloaded: { tick: Tick; cx: number; cz: number };
  /** Block (x, y, z) changed from block id `prev` to `block`, by entity `by`. */
  BlockChanged: { tick: Tick; x: number; y: number; z: number; block: number; prev: number; by: number };
  /** Entity `netId` (network id) appeared; `kind` names what it is ("player", ...). */
  EntitySpawned: { tick: Tick; netId: number; kind: string };
  /** Entity `netId` went away. */
  EntityDespawned: { tick: Tick; netId: number };
  /** The state hash (16 hex digits, see engine/sim/state-hash.ts) at the start of `tick`, every 20 ticks. */
  StateHash: { tick: Tick; hash: string };
}

/** A known event type name. */
export type StreamEventType = keyof StreamEventPayloads;

/** What a payload field holds: a safe integer, a finite number, a string, or 16 lowercase hex digits. */
export type EventFieldKind = 'int' | 'number' | 'string' | 'hex16';

/** Field kinds of each known type's payload (every field but `tick`). */
export const EVENT_FIELDS: {
  readonly [K in StreamEventType]: { readonly [F in Exclude<keyof StreamEventPayloads[K], 'tick'>]: EventFieldKind };
} = {
  Connected: { client: 'int' },
  Disconnected: { client: 'int', reason: 'string' },
  ReconciliationEvent: { netId: 'int', rewindTo: 'int', replayed: 'int', error: 'number' },
  ChunkLoaded: { cx: 'int', cz: 'int' },
  ChunkUnloaded: { cx: 'int', cz: 'int' },
  BlockChanged: { x: 'int', y: 'int', z: 'int', block: 'int', prev: 'int', by: 'int' },
  EntitySpawned: { netId: 'int', kind: 'string' },
  EntityDespawned: { netId: 'int' },
  StateHash: { hash: 'hex16' },
};

/**
 * Identity fields of each known type: together with the tick and the type they say which event a line is, so that
 * the diff can pair the "same" event of two streams and report a changed value rather than a missing and an extra
 * event. Types not listed here (and unknown types) have none: their events are told apart by order of appearance
 * among events of that type at that tick.
 */
export const IDENTITY_FIELDS: { readonly [K in StreamEventType]: readonly Exclude<keyof StreamEventPayloads[K], 'tick'>[] } = {
  Connected: ['client'],
  Disconnected: ['client'],
  ReconciliationEvent: ['netId'],
  ChunkLoaded: ['cx', 'cz'],
  ChunkUnloaded: ['cx', 'cz'],
  BlockChanged: ['x', 'y', 'z'],
  EntitySpawned: ['netId'],
  EntityDespawned: ['netId'],
  StateHash: [],
};

/** True if `type` is a known event type. */
export function isKnownEventType(type: string): type is StreamEventType {
  return Object.hasOwn(EVENT_FIELDS, type);
}

/** Ticks between two StateHash events: the hash is recorded at every tick divisible by this. */
export const STATE_HASH_INTERVAL = 20;

/** True at the ticks where a StateHash event is due (0, 20, 40, ...). */
export function isStateHashTick(tick: Tick): boolean {
  return tick % STATE_HASH_INTERVAL === 0;
}
