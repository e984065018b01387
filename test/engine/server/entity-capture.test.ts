import { describe, expect, it } from 'vitest';
import { createEcsWorld } from '../../../engine/ecs/world.ts';
import { componentLayout } from '../../../engine/protocol/define.ts';
import { captureComponents, componentsProblem, restoreComponents } from '../../../engine/server/entity-capture.ts';
import { HANDOFF_VERSION, decodeHandoff, encodeHandoff } from '../../../engine/server/handoff-state.ts';
import { createGameWorld, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { GAME_PROTOCOL } from '../../../game/protocol.ts';

const components = componentLayout(GAME_PROTOCOL);

describe('entity capture', () => {
  it('every component of an entity comes back bit for bit, NaN payloads and array fields included', () => {
    const a = createGameWorld({ components });
    const eid = spawnPlayer(a, 1.25, 7, -3.5, [[0, 10, 64], [3, 1, 2]], 1);
    const s = a.ecs.stores;
    s.Velocity.x[eid] = Number.NaN;
    s.Health.current[eid] = 13;
    const captured = captureComponents(a.ecs, eid);
    const b = createEcsWorld({ components });
    b.stores.Health.current.fill(99); // stale values where the entity lands must be overwritten
    const back = restoreComponents(b, decodeHandoff(encodeHandoff({ version: HANDOFF_VERSION, kind: 'entity', adoptTick: 5, netId: 9, components: captured })).components);
    expect(captureComponents(b, back)).toEqual(captured);
    expect(b.stores.Health.current[back]).toBe(13);
    expect(Number.isNaN(b.stores.Velocity.x[back])).toBe(true);
    expect([...b.stores.Inventory.count.subarray(back * 9, back * 9 + 4)]).toEqual([64, 0, 0, 2]);
  });

  it('components that do not fit the layout are named', () => {
    const w = createEcsWorld({ components });
    expect(componentsProblem(w, [['Nope', []]])).toMatch(/Nope is not in this server's layout/);
    expect(componentsProblem(w, [['Health', [new Uint8Array(1)]]])).toMatch(/Health has 1 fields/);
    expect(componentsProblem(w, [['Health', [new Uint8Array(1), new Uint8Array(1)]]])).toMatch(/Health\.current: expected/);
    expect(componentsProblem(w, 'x')).toMatch(/not a list/);
    expect(() => restoreComponents(w, [['Nope', []]])).toThrow(RangeError);
  });
});
