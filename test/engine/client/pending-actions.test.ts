/**
 * The client's predicted game actions: values are the server's own state plus the actions not yet in it, so a
 * refusal undoes exactly its action (later ones applied again) and a confirmed one leaves once an OwnState shows it.
 */
import { describe, expect, it } from 'vitest';
import {
  answerAction, createPendingActions, expireActions, ownStateArrived, repredictActions, takeQueued, type PendingActions,
} from '../../../engine/client/pending-actions.ts';
import { storeOf } from '../../../engine/ecs/world.ts';
import { encodeActionPayload } from '../../../engine/protocol/action-codec.ts';
import { componentLayout, defineProtocol } from '../../../engine/protocol/define.ts';
import { createOwnLayout } from '../../../engine/replication/own-state.ts';
import { createGameWorld, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { Cast, EXAMPLE_SPEC, Mana } from '../../support/protocol-examples.ts';

const def = defineProtocol(EXAMPLE_SPEC);

function setup(serverMana: number) {
  const world = createGameWorld({ components: componentLayout(def) });
  const eid = spawnPlayer(world, 0.5, 10, 0.5);
  const layout = createOwnLayout(def);
  const held = layout.zero.v.slice();
  const f = layout.fields.findIndex((x) => x.component === 'Mana' && x.field === 'current');
  held[f] = serverMana * 4; // scale 4 on the wire
  const pa = createPendingActions();
  const mana = () => storeOf(world.ecs, Mana).current[eid];
  const redo = () => repredictActions(world, eid, pa, [Mana], layout, held, new Set(['Mana']));
  return { world, eid, pa, mana, redo, held, f };
}

const queue = (pa: PendingActions, cost: number, tick: number) =>
  pa.queued.push({ tick, index: pa.queued.length, def: Cast, payload: { cost }, data: encodeActionPayload(Cast, { cost }), confirmed: false });

describe('pending actions', () => {
  it('predicts on the server state, undoes a refused action and keeps the later ones', () => {
    const { pa, mana, redo } = setup(30);
    queue(pa, 10, 5);
    expect(redo()).toEqual([{ ok: true }]);
    expect(mana()).toBe(20);
    expect(takeQueued(pa, 5)).toEqual([{ id: 16, data: Uint8Array.of(0x91, 10) }]);
    queue(pa, 15, 6);
    takeQueued(pa, 6);
    expect(redo()).toEqual([{ ok: true }, { ok: true }]);
    expect(mana()).toBe(5);
    // The server refuses the first: the second is applied on the server's 30 again.
    expect(answerAction(pa, 5, 0, false)?.def).toBe(Cast);
    expect(redo()).toEqual([{ ok: true }]);
    expect(mana()).toBe(15);
    expect(answerAction(pa, 5, 0, false)).toBeUndefined(); // answered already
  });

  it('keeps a confirmed action until an OwnState of its tick or later, then takes the server value alone', () => {
    const { pa, mana, redo, held, f } = setup(30);
    queue(pa, 10, 5);
    takeQueued(pa, 5);
    answerAction(pa, 5, 0, true);
    ownStateArrived(pa, 4);
    redo();
    expect(mana()).toBe(20);
    held[f] = 21 * 4; // the server's value after the action and some regeneration
    ownStateArrived(pa, 5);
    redo();
    expect(pa.sent).toEqual([]);
    expect(mana()).toBe(21);
  });

  it('predicts nothing before the server sent the components, and expires unanswered actions', () => {
    const { world, eid, pa, mana } = setup(30);
    queue(pa, 10, 5);
    const layout = createOwnLayout(def);
    expect(repredictActions(world, eid, pa, [Mana], layout, layout.zero.v, new Set())).toBeUndefined();
    expect(mana()).toBe(0);
    takeQueued(pa, 5);
    expect(expireActions(pa, 5)).toEqual([]);
    expect(expireActions(pa, 6).map((a) => a.tick)).toEqual([5]);
    expect(pa.sent).toEqual([]);
  });
});
