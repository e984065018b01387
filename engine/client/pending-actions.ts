/**
 * The client's predicted game actions (protocol/user-actions.ts) until the server's answer and own state take them
 * over. The client's values of the components actions write are always recomputed the same way
 * ({@link repredictActions}): the server's own state (OwnState) as last received, then every action not yet in it,
 * in order. So a refused action is undone by dropping it (the later ones are applied again), and the client never
 * drifts from the server: OwnState stays authoritative.
 *
 * An action's life: queued (made since the last input) -> sent (in the input for its tick) -> confirmed by an ok
 * ActionResult, and dropped once an OwnState of its tick or later arrives (the server sends one after every confirmed
 * action; ActionResult and OwnState share the ordered chunk stream); or dropped at once when refused.
 */
import { addComponent, hasComponent } from 'bitecs';
import { storeOf } from '../ecs/world.ts';
import type { ActionInput } from '../input.ts';
import type { ActionOutcome, UserActionDef } from '../protocol/user-actions.ts';
import { componentValues, type EntityLayout } from '../replication/entity-layout.ts';
import type { GameWorld } from '../sim/game-world.ts';
import type { Tick } from '../tick.ts';

/** One predicted action. */
export interface PendingAction {
  /** The tick of the input that carries it (for a queued one, the tick it is expected to go with). */
  tick: Tick;
  /** Its position among that input's actions. */
  index: number;
  /** Its declaration. */
  readonly def: UserActionDef;
  /** Its payload, as given. */
  readonly payload: unknown;
  /** Its payload as encoded. */
  readonly data: Uint8Array;
  /** True once the server confirmed it (it stays until an OwnState shows it). */
  confirmed: boolean;
}

/** The predicted actions of one client. */
export interface PendingActions {
  /** Made since the last input, in order. */
  readonly queued: PendingAction[];
  /** Sent, in tick then index order. */
  readonly sent: PendingAction[];
}

/** An empty set. */
export function createPendingActions(): PendingActions {
  return { queued: [], sent: [] };
}

/** Takes the queued actions into the input for `tick`: stamps them and returns them as input parts (undefined: none). */
export function takeQueued(pa: PendingActions, tick: Tick): ActionInput[] | undefined {
  if (!pa.queued.length) return undefined;
  const out = pa.queued.map((a, index) => {
    a.tick = tick;
    a.index = index;
    return { id: a.def.id, data: a.data };
  });
  pa.sent.push(...pa.queued.splice(0));
  return out;
}

/** Applies the server's answer to the action (tick, index): a refusal drops it. Returns it, or undefined if unknown. */
export function answerAction(pa: PendingActions, tick: Tick, index: number, ok: boolean): PendingAction | undefined {
  const i = pa.sent.findIndex((a) => a.tick === tick && a.index === index && !a.confirmed);
  if (i < 0) return undefined;
  const a = pa.sent[i];
  if (ok) a.confirmed = true;
  else pa.sent.splice(i, 1);
  return a;
}

/** An OwnState as of server tick `tick` arrived: the confirmed actions up to it are in it now. */
export function ownStateArrived(pa: PendingActions, tick: Tick): void {
  for (let i = pa.sent.length - 1; i >= 0; i--) if (pa.sent[i].confirmed && pa.sent[i].tick <= tick) pa.sent.splice(i, 1);
}

/** Drops and returns the sent actions of ticks before `tick` that got no answer (the safety net of a lost answer). */
export function expireActions(pa: PendingActions, tick: Tick): PendingAction[] {
  const gone = pa.sent.filter((a) => a.tick < tick && !a.confirmed);
  for (const a of gone) pa.sent.splice(pa.sent.indexOf(a), 1);
  return gone;
}

/** Forgets every action (a session ended). */
export function clearActions(pa: PendingActions): void {
  pa.queued.length = 0;
  pa.sent.length = 0;
}

/**
 * A change the client predicted from one of its own inputs' built-in parts (a block action taking or giving a hotbar
 * item, a hotbar operation) to a component that game actions also write: redone on the server's values when they are
 * restored, until an OwnState of its tick or later carries it.
 */
export interface PredictedChange {
  /** The tick of the input. */
  readonly tick: Tick;
  /** Applies the change again to the own player. */
  readonly redo: () => void;
}

/**
 * Recomputes player `eid`'s values of the components the definition's actions write: from `held` (OwnState values
 * in `layout`), then every pending action applied in order (an action its own rules refuse here changes nothing; the
 * server will refuse it too), each tick's built-in `changes` (not yet in an OwnState) before its actions, as the
 * server runs them. Returns each action's outcome in that order; undefined, changing nothing, while the server has
 * not sent one of those components yet (`received`): there is nothing to predict from.
 */
export function repredictActions(
  world: GameWorld, eid: number, pa: PendingActions, writes: readonly UserActionDef['writes'][number][],
  layout: EntityLayout, held: readonly number[], received: ReadonlySet<string>, changes: readonly PredictedChange[] = [],
): ActionOutcome[] | undefined {
  if (writes.some((w) => !received.has(w.name))) return undefined;
  for (const schema of writes) {
    const store = storeOf(world.ecs, schema) as Record<string, { [i: number]: number }>;
    if (!hasComponent(world.ecs, eid, store)) addComponent(world.ecs, eid, store);
    const values = componentValues(layout, { id: 0, v: held as number[] }, schema.name) ?? {};
    for (const [field, v] of Object.entries(values)) {
      const length = schema.fields[field].length ?? 1;
      if (Array.isArray(v)) v.forEach((x, k) => { store[field][eid * length + k] = x; });
      else store[field][eid] = v;
    }
  }
  let c = 0;
  const out = [...pa.sent, ...pa.queued].map((a) => {
    for (; c < changes.length && changes[c].tick <= a.tick; c++) changes[c].redo();
    return a.def.apply(world, eid, a.payload as never, { tick: a.tick });
  });
  for (; c < changes.length; c++) changes[c].redo();
  return out;
}
