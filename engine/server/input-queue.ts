/**
 * A player's input queue on the server, keyed by client tick. At server tick T the server takes the input for T;
 * when none arrived it repeats the last one's movement (never its block or inventory action). Inputs for ticks
 * already run are late and dropped; inputs too far ahead and floods are refused. Everything dropped is counted.
 * Bundles repeat recent inputs: the queue remembers the ticks it has settled (accepted or refused), so a repeat is a
 * duplicate, never late, and a tick refused once is never accepted later (its refusal was already answered).
 */
import type { PlayerInput } from '../input.ts';
import type { Tick } from '../tick.ts';

/** Most ticks ahead of the server an input may be (2 s at 20 Hz). */
export const MAX_INPUT_LEAD = 40;

/** Most inputs held at once. */
export const MAX_QUEUED_INPUTS = MAX_INPUT_LEAD + 1;

/**
 * Settled ticks remembered (the newest). Bundles repeat at most 8 inputs and an honest client settles about one tick
 * per server tick, so this covers every repeat with a wide margin; a forgotten tick only risks one extra answer.
 */
export const SEEN_TICKS = 64;

/** Counters of what happened to a player's inputs. */
export interface InputStats {
  /** Inputs accepted into the queue. */
  accepted: number;
  /** Arrived for a tick the server had already run. */
  late: number;
  /** Arrived for a tick more than {@link MAX_INPUT_LEAD} ahead. */
  tooFar: number;
  /** Arrived again for a tick already settled: queued, run or refused (bundles repeat inputs; normal). */
  duplicate: number;
  /** Refused because the queue was full. */
  flooded: number;
  /** Ticks run with no input, where the last input was repeated. */
  missing: number;
}

/** One player's queue. */
export interface InputQueue {
  /** Pending inputs by tick. */
  readonly pending: Map<Tick, PlayerInput>;
  /** Sequence number of the bundle that delivered each pending input. */
  readonly seqs: Map<Tick, number>;
  /** Sequence number of the input last taken (-1 when it was a repeat). */
  lastSeq: number;
  /** The last input taken, repeated when one is missing. */
  last: PlayerInput | null;
  /** Counters. */
  readonly stats: InputStats;
  /** Lead (newest input tick minus server tick) of recent bundle arrivals, newest last; at most 20. */
  readonly leads: number[];
  /** The newest {@link SEEN_TICKS} settled ticks (accepted, or refused as late, too far or flooded). */
  readonly seen: Set<Tick>;
  /** The same ticks in the order they were settled, oldest first (to forget the oldest). */
  readonly seenOrder: Tick[];
}

/** What {@link pushInput} did with an input. */
export type PushResult = 'accepted' | 'late' | 'too-far' | 'duplicate' | 'flooded';

/** Creates an empty queue. */
export function createInputQueue(): InputQueue {
  return {
    pending: new Map(), seqs: new Map(), lastSeq: -1, last: null, stats: { accepted: 0, late: 0, tooFar: 0, duplicate: 0, flooded: 0, missing: 0 },
    leads: [], seen: new Set(), seenOrder: [],
  };
}

/** Remembers that `tick` is settled. */
function settle(q: InputQueue, tick: Tick): void {
  q.seen.add(tick);
  q.seenOrder.push(tick);
  if (q.seenOrder.length > SEEN_TICKS) q.seen.delete(q.seenOrder.shift()!);
}

/**
 * Offers an input (from bundle `seq`) that arrived while the server is about to run `serverTick`. Each tick is
 * settled once: the first arrival is accepted or refused ('late', 'too-far', 'flooded'), later ones are duplicates.
 */
export function pushInput(q: InputQueue, input: PlayerInput, serverTick: Tick, seq = 0): PushResult {
  const lead = input.tick - serverTick;
  if (q.seen.has(input.tick) || q.pending.has(input.tick)) { q.stats.duplicate++; return 'duplicate'; }
  if (!Number.isInteger(input.tick) || lead < 0) { q.stats.late++; settle(q, input.tick); return 'late'; }
  if (lead > MAX_INPUT_LEAD) { q.stats.tooFar++; settle(q, input.tick); return 'too-far'; }
  if (q.pending.size >= MAX_QUEUED_INPUTS) { q.stats.flooded++; settle(q, input.tick); return 'flooded'; }
  settle(q, input.tick);
  q.pending.set(input.tick, input);
  q.seqs.set(input.tick, seq);
  q.stats.accepted++;
  return 'accepted';
}

/** Records when a bundle whose newest input is for `newestTick` arrived, for {@link timingAdvice}. */
export function recordArrival(q: InputQueue, newestTick: Tick, serverTick: Tick): void {
  q.leads.push(newestTick - serverTick);
  if (q.leads.length > 20) q.leads.shift();
}

/** Takes the input for `tick`: the queued one, else the last one's movement repeated (null before any input). */
export function takeInput(q: InputQueue, tick: Tick): PlayerInput | null {
  const input = q.pending.get(tick);
  const seq = q.seqs.get(tick) ?? -1;
  // Anything older than `tick` can no longer be used (it would be late); drop it.
  for (const t of q.pending.keys()) if (t <= tick) { q.pending.delete(t); q.seqs.delete(t); }
  if (input) {
    q.last = input;
    q.lastSeq = seq;
    return input;
  }
  q.lastSeq = -1;
  if (!q.last) return null;
  q.stats.missing++;
  return { tick, buttons: q.last.buttons, yaw: q.last.yaw, pitch: q.last.pitch };
}

/**
 * Advice for the client's clock from recent arrival leads, in ticks: positive when the earliest tenth of inputs
 * arrive with less margin than `targetLead` (run ahead by that many more ticks), negative when most arrive far
 * earlier than needed (which only adds latency), 0 when the lead is within the target band. The lead history is cleared after non-zero advice
 * so that the next advice reflects the client's correction.
 */
export function timingAdvice(q: InputQueue, targetLead: number): number {
  if (q.leads.length < 5) return 0;
  const sorted = [...q.leads].sort((a, b) => a - b);
  const low = sorted[Math.floor(sorted.length * 0.1)];
  const median = sorted[sorted.length >> 1];
  let advice = 0;
  // Keep even the earliest-arriving tenth at the target lead: then one lost bundle is covered by the next one.
  if (low < targetLead) advice = targetLead - low;
  else if (median > targetLead + 3) advice = targetLead + 1 - median;
  if (advice !== 0) q.leads.length = 0;
  return Math.max(-100, Math.min(100, advice));
}
