/**
 * The event-stream diff: compares stream A with stream B and reports each difference as its own kind.
 *
 * - `schema`: the headers' protocolVersion or schemaHash differ (both values given).
 * - `missing`: an event of A has no counterpart in B; `extra`: an event of B has none in A.
 * - `value`: the same event (see identity below) has different values: each differing field by JSON path.
 * - `order`: paired events appear in a different relative order. The events reported are the fewest whose moving
 *   restores A's order (the complement of a longest increasing subsequence), so two swapped events are one `order`
 *   difference, not a missing and an extra one.
 *
 * Identity: two events can be the same event only if they have the same tick, type and identity fields
 * (event-types.ts IDENTITY_FIELDS: position for BlockChanged, netId for entity and reconciliation events, cx/cz
 * for chunks, client for connections; none for StateHash and unknown types). Pairing, tick by tick: first a
 * longest common subsequence of the tick's events by whole value (so identical duplicates and untouched runs pair
 * in order); then, among the events left, events with equal identity and equal value pair (these moved), then the
 * rest pair by order of appearance within their identity (value differences: for types without identity fields,
 * the n-th leftover event of that type at that tick); what is still left is missing or extra. An event whose tick
 * changed is therefore a missing and an extra event.
 *
 * Top-level `wall` fields are never compared. Cost: O(n log n) in the number of events plus their size, plus
 * O(events × edits) per tick for the common subsequence, whose edit count is capped (over the cap, that tick skips
 * the subsequence step). The result is deterministic: it depends only on the two streams' contents and order.
 */
import type { StreamEvent } from './event-stream.ts';
import { IDENTITY_FIELDS, isKnownEventType } from './event-types.ts';
import { canonicalJson, diffJson, type FieldDifference } from './json-diff.ts';
import { commonSubsequence, longestIncreasing } from './sequence-match.ts';
import { WALL_KEY } from './line-fields.ts';

/** The kinds of difference, in report order. */
export const DIFFERENCE_KINDS = ['schema', 'missing', 'extra', 'order', 'value'] as const;
/** One of {@link DIFFERENCE_KINDS}. */
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/** The headers differ in a field that must match. */
export interface SchemaDrift {
  /** Kind tag. */
  kind: 'schema';
  /** The header field. */
  field: 'protocolVersion' | 'schemaHash';
  /** Value in A. */
  a: number | string;
  /** Value in B. */
  b: number | string;
}

/** Where an event is in one stream. */
export interface EventLocation {
  /** The event's tick. */
  tick: number;
  /** The event's type. */
  type: string;
  /** Its identity fields as text (`x=1 y=64 z=-3`), '' for types without identity fields. */
  id: string;
}

/** An event of A with no counterpart in B. */
export interface MissingEvent extends EventLocation {
  /** Kind tag. */
  kind: 'missing';
  /** Index in A's events. */
  indexA: number;
  /** Line number in A. */
  lineA: number;
  /** The event as in A. */
  event: StreamEvent;
}

/** An event of B with no counterpart in A. */
export interface ExtraEvent extends EventLocation {
  /** Kind tag. */
  kind: 'extra';
  /** Index in B's events. */
  indexB: number;
  /** Line number in B. */
  lineB: number;
  /** The event as in B. */
  event: StreamEvent;
}

/** An event present in both streams, in both positions. */
export interface PairedEvent extends EventLocation {
  /** Index in A's events. */
  indexA: number;
  /** Index in B's events. */
  indexB: number;
  /** Line number in A. */
  lineA: number;
  /** Line number in B. */
  lineB: number;
}

/** An event that moved relative to the other paired events. */
export interface OrderChange extends PairedEvent {
  /** Kind tag. */
  kind: 'order';
}

/** The same event with different values. */
export interface ValueMismatch extends PairedEvent {
  /** Kind tag. */
  kind: 'value';
  /** Each differing field (`wall` excluded), by JSON path from the event line (`$.block`). */
  fields: FieldDifference[];
}

/** Any difference. */
export type Difference = SchemaDrift | MissingEvent | ExtraEvent | OrderChange | ValueMismatch;

/** One side of a diff: a parsed stream, or anything with its header's version fields and events. */
export interface DiffSide {
  /** The header fields that must match. */
  header: { protocolVersion: number; schemaHash: string };
  /** The events, in stream order. */
  events: readonly StreamEvent[];
  /** Line number of each event; when absent, event i is taken to be on line i + 2 (after the header). */
  lines?: readonly number[];
}

/** The diff's result. */
export interface StreamDiff {
  /** True when there is no difference at all. */
  same: boolean;
  /** Number of differences of each kind. */
  counts: Record<DifferenceKind, number>;
  /** All differences: schema drift first, then by tick, kind (in {@link DIFFERENCE_KINDS} order) and position. */
  differences: Difference[];
}

const SKIP_WALL: ReadonlySet<string> = new Set([WALL_KEY]);

/** The identity fields of an event as text, e.g. `x=1 y=64 z=-3`; '' for types without identity fields. */
export function identityOf(event: StreamEvent): string {
  if (!isKnownEventType(event.type)) return '';
  const fields: readonly string[] = IDENTITY_FIELDS[event.type];
  return fields.map((f) => `${f}=${JSON.stringify(event[f]) ?? 'undefined'}`).join(' ');
}

/** Work budget of the common-subsequence step of one tick: (events of A + events of B) × edits. */
const LCS_BUDGET = 4_000_000;

/** Compares stream A with stream B (see the module comment for what is reported and how events are paired). */
export function diffEventStreams(a: DiffSide, b: DiffSide): StreamDiff {
  const differences: Difference[] = [];
  for (const field of ['protocolVersion', 'schemaHash'] as const) {
    if (a.header[field] !== b.header[field]) differences.push({ kind: 'schema', field, a: a.header[field], b: b.header[field] });
  }
  const lineA = (i: number) => a.lines?.[i] ?? i + 2;
  const lineB = (i: number) => b.lines?.[i] ?? i + 2;
  const canonA = a.events.map((e) => canonicalJson(e, SKIP_WALL));
  const canonB = b.events.map((e) => canonicalJson(e, SKIP_WALL));
  // pairOfA[i]: index in B paired with A's event i, or -1.
  const pairOfA = new Int32Array(a.events.length).fill(-1);
  const pairedB = new Uint8Array(b.events.length);
  const eventDiffs: { sortIndex: number; d: Difference }[] = [];

  const paired = (ia: number, ib: number): PairedEvent => {
    const e = a.events[ia];
    return { tick: e.tick, type: e.type, id: identityOf(e), indexA: ia, indexB: ib, lineA: lineA(ia), lineB: lineB(ib) };
  };
  const missing = (ia: number) => {
    const e = a.events[ia];
    eventDiffs.push({ sortIndex: ia, d: { kind: 'missing', tick: e.tick, type: e.type, id: identityOf(e), indexA: ia, lineA: lineA(ia), event: e } });
  };
  const extra = (ib: number) => {
    const e = b.events[ib];
    eventDiffs.push({ sortIndex: ib, d: { kind: 'extra', tick: e.tick, type: e.type, id: identityOf(e), indexB: ib, lineB: lineB(ib), event: e } });
  };

  const ticksA = groupBy(range(a.events.length), (i) => a.events[i].tick);
  const ticksB = groupBy(range(b.events.length), (j) => b.events[j].tick);
  for (const [tick, ia] of ticksA) {
    const ib = ticksB.get(tick) ?? [];
    const n = ia.length + ib.length;
    const common = commonSubsequence(ia.map((i) => canonA[i]), ib.map((j) => canonB[j]), Math.floor(LCS_BUDGET / n));
    for (const [x, y] of common ?? []) {
      pairOfA[ia[x]] = ib[y];
      pairedB[ib[y]] = 1;
    }
    const restA = ia.filter((i) => pairOfA[i] < 0), restB = ib.filter((j) => pairedB[j] === 0);
    if (restA.length === 0 && restB.length === 0) continue;
    // Among the rest: group by identity, pair equal values, then pair by order of appearance.
    const groupsA = groupBy(restA, (i) => groupKey(a.events[i]));
    const groupsB = groupBy(restB, (j) => groupKey(b.events[j]));
    for (const [key, ga] of groupsA) {
      const gb = groupsB.get(key) ?? [];
      const { exact, leftA, leftB } = pairEqual(ga, canonA, gb, canonB);
      for (const [i, j] of exact) pairOfA[i] = j;
      const k = Math.min(leftA.length, leftB.length);
      for (let q = 0; q < k; q++) {
        const i = leftA[q], j = leftB[q];
        pairOfA[i] = j;
        eventDiffs.push({ sortIndex: i, d: { kind: 'value', ...paired(i, j), fields: diffJson(a.events[i], b.events[j], SKIP_WALL) } });
      }
      for (let q = k; q < leftA.length; q++) missing(leftA[q]);
      for (let q = k; q < leftB.length; q++) extra(leftB[q]);
    }
    for (const [key, gb] of groupsB) if (!groupsA.has(key)) for (const j of gb) extra(j);
  }
  for (const [tick, ib] of ticksB) if (!ticksA.has(tick)) for (const j of ib) extra(j);

  // Order: among paired events taken in A's order, those outside a longest increasing run of B indices moved.
  const seqA: number[] = [];
  for (let i = 0; i < pairOfA.length; i++) if (pairOfA[i] >= 0) seqA.push(i);
  const keep = longestIncreasing(seqA.map((i) => pairOfA[i]));
  for (let k = 0; k < seqA.length; k++) {
    if (!keep[k]) eventDiffs.push({ sortIndex: seqA[k], d: { kind: 'order', ...paired(seqA[k], pairOfA[seqA[k]]) } });
  }

  const rank = (d: Difference) => DIFFERENCE_KINDS.indexOf(d.kind);
  eventDiffs.sort((x, y) => (x.d as EventLocation).tick - (y.d as EventLocation).tick || rank(x.d) - rank(y.d) || x.sortIndex - y.sortIndex);
  for (const { d } of eventDiffs) differences.push(d);
  const counts = { schema: 0, missing: 0, extra: 0, order: 0, value: 0 };
  for (const d of differences) counts[d.kind]++;
  return { same: differences.length === 0, counts, differences };
}

/** The key that events must share to be the same event, given the same tick: type and identity fields. */
function groupKey(e: StreamEvent): string {
  return `${e.type}\n${identityOf(e)}`;
}

/** The given indices grouped by `key(index)`: groups in order of first appearance, indices in the given order. */
function groupBy<K>(indices: Iterable<number>, key: (index: number) => K): Map<K, number[]> {
  const groups = new Map<K, number[]>();
  for (const i of indices) {
    const k = key(i);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  return groups;
}

/** 0, 1, ..., n - 1. */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Pairs A and B events of one group whose values are equal (wall aside), in order; returns pairs and the rest. */
function pairEqual(
  ia: readonly number[], canonA: readonly string[], ib: readonly number[], canonB: readonly string[],
): { exact: [number, number][]; leftA: number[]; leftB: number[] } {
  const byValue = new Map<string, { list: number[]; next: number }>();
  for (const j of ib) {
    const q = byValue.get(canonB[j]);
    if (q) q.list.push(j);
    else byValue.set(canonB[j], { list: [j], next: 0 });
  }
  const exact: [number, number][] = [];
  const leftA: number[] = [];
  const used = new Set<number>();
  for (const i of ia) {
    const q = byValue.get(canonA[i]);
    if (q && q.next < q.list.length) {
      const j = q.list[q.next++];
      exact.push([i, j]);
      used.add(j);
    } else {
      leftA.push(i);
    }
  }
  return { exact, leftA, leftB: ib.filter((j) => !used.has(j)) };
}
