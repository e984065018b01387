/**
 * Both ends of the Input channel's loss tolerance: the sender bundles each tick's input with the previous few
 * (so one lost datagram costs nothing), the receiver keeps only inputs newer than those it already has and counts
 * what repetition recovered and what was lost anyway.
 */
import type { PlayerInput } from '../input.ts';
import type { InputBundle } from '../protocol/messages.ts';
import { MsgType } from '../protocol/messages.ts';
import type { Tick } from '../tick.ts';

/** Client side: turns per-tick inputs into InputBundles. */
export interface InputSender {
  /** Records `input` (its tick must be after the previous one) and returns the bundle to send for it. */
  next(input: PlayerInput, ackTick: Tick): InputBundle;
}

/** Creates an {@link InputSender} repeating the last `redundancy` inputs (0..7, default 3). */
export function createInputSender(redundancy = 3): InputSender {
  if (!(Number.isInteger(redundancy) && redundancy >= 0 && redundancy <= 7)) {
    throw new RangeError(`redundancy must be an integer in 0..7, got ${redundancy}`);
  }
  let history: PlayerInput[] = [];
  let seq = 0;
  return {
    next(input, ackTick) {
      const last = history.at(-1);
      if (last && input.tick <= last.tick) throw new RangeError(`input tick ${input.tick} is not after ${last.tick}`);
      // Bundles hold consecutive ticks; after a jump (the client re-synced its clock) start over.
      if (!last || input.tick !== last.tick + 1) history = [];
      history.push(input);
      if (history.length > redundancy + 1) history.shift();
      seq = (seq + 1) >>> 0;
      return { type: MsgType.InputBundle, clientTick: input.tick, seq, ackTick, inputs: [...history] };
    },
  };
}

/** Server side: extracts new inputs from bundles. */
export interface InputReceiver {
  /** The inputs of `bundle` newer than any received before, oldest first. */
  accept(bundle: InputBundle): PlayerInput[];
  /** Newest tick received (-1 before the first). */
  readonly lastTick: Tick;
  /** Inputs that arrived only as repeats in a later bundle. */
  readonly recovered: number;
  /** Ticks skipped because every bundle carrying them was lost. */
  readonly missed: number;
}

/** Creates an empty {@link InputReceiver}. */
export function createInputReceiver(): InputReceiver {
  let lastTick = -1;
  let recovered = 0;
  let missed = 0;
  return {
    get lastTick() { return lastTick; },
    get recovered() { return recovered; },
    get missed() { return missed; },
    accept(bundle) {
      const fresh = bundle.inputs.filter((p) => p.tick > lastTick);
      if (fresh.length === 0) return fresh;
      if (lastTick >= 0 && fresh[0].tick > lastTick + 1) missed += fresh[0].tick - lastTick - 1;
      recovered += fresh.length - 1;
      lastTick = fresh[fresh.length - 1].tick;
      return fresh;
    },
  };
}
