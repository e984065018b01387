/**
 * The `user-actions` system: runs each player's game actions (protocol definition `actions`, user-actions.ts) in the
 * tick they are for, in player order and then in the order the input lists them, after the engine's block and
 * inventory actions. Each one emits a UserAction event (the server answers it with an ActionResult). A malformed
 * one (unknown id, payload that breaks its declaration) is refused with a reason like a rule's refusal.
 */
import type { ActionInput } from '../input.ts';
import { decodeActionPayload } from '../protocol/action-codec.ts';
import type { ActionDef } from '../protocol/define.ts';
import type { ActionOutcome, UserActionDef } from '../protocol/user-actions.ts';
import type { Tick } from '../tick.ts';
import type { GameWorld } from './game-world.ts';
import type { System } from './schedule.ts';

/** The longest reason an ActionResult carries; longer ones are cut. */
export const MAX_REASON_LENGTH = 64;

/** A definition's game actions (those with `apply`) by id. */
export type UserActionTable = ReadonlyMap<number, UserActionDef>;

/** Indexes the game actions of a definition's `actions` by id. */
export function userActionTable(actions: readonly ActionDef[]): UserActionTable {
  return new Map(actions.filter((a) => a.apply).map((a) => [a.id, a as UserActionDef]));
}

/**
 * Runs one action of player `eid`: decodes its payload against its declaration and applies it. Unknown ids and bad
 * payloads are refused (`unknown-action`, `bad-payload: <action>.<field>: ...`) with nothing changed.
 */
export function runUserAction(world: GameWorld, table: UserActionTable, eid: number, action: ActionInput, tick: Tick): ActionOutcome {
  const def = table.get(action.id);
  if (!def) return { ok: false, reason: 'unknown-action' };
  let payload;
  try {
    payload = decodeActionPayload(def, action.data);
  } catch (e) {
    return { ok: false, reason: (e as Error).message.slice(0, MAX_REASON_LENGTH) };
  }
  const r = def.apply(world, eid, payload, { tick });
  return r.ok ? r : { ok: false, reason: String(r.reason).slice(0, MAX_REASON_LENGTH) };
}

/** The `user-actions` system for a definition's `actions` (rules phase, after `inventory`). */
export function userActionsSystem(actions: readonly ActionDef[]): System {
  const table = userActionTable(actions);
  return {
    name: 'user-actions',
    phase: 'rules',
    after: ['inventory'],
    run(world, { inputs, players, tick, events }) {
      for (const eid of players) {
        const list = inputs.get(eid)?.actions;
        if (!list) continue;
        list.forEach((a, index) => {
          const r = runUserAction(world, table, eid, a, tick);
          events.emit('UserAction', { tick, eid, action: a.id, index, ok: r.ok, reason: r.ok ? '' : r.reason });
        });
      }
    },
  };
}
