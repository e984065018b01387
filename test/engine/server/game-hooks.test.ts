import { hasComponent } from 'bitecs';
import { describe, expect, it } from 'vitest';
import { storeOf } from '../../../engine/ecs/world.ts';
import type { PlayerInput } from '../../../engine/input.ts';
import type { System } from '../../../engine/sim/schedule.ts';
import type { ServerPlayer } from '../../../engine/server/server-player.ts';
import { MANA_PROTOCOL, MANA_SYSTEMS } from '../../support/mana-game.ts';
import { Mana } from '../../support/protocol-examples.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

describe('game server hooks, systems and spawn point over the loopback transport', () => {
  it('calls onJoin and onLeave, spawns at spawnPoint, and runs user systems on the server and predicted ones on the client', async () => {
    const joined: Array<[string, number, number]> = [];
    const left: Array<[string, number, string]> = [];
    let clientRuns = 0;
    const clientSeen: System = { name: 'client-seen', phase: 'post-tick', predicted: true, run: () => { clientRuns++; } };
    const st = await createStepper({
      protocol: MANA_PROTOCOL,
      game: {
        systems: [...MANA_SYSTEMS, clientSeen],
        spawnPoint: (_world, session) => ({ x: 4.5 + session.id, y: 7, z: -3.5 }),
        onJoin: (p: ServerPlayer) => joined.push([p.session.name, p.eid, st.server.world.ecs.stores.Transform.x[p.eid]]),
        onLeave: (p: ServerPlayer, reason) => left.push([p.session.name, p.eid, reason]),
      },
      clientSystems: [clientSeen],
    });
    const a = st.addClient(idle);
    const b = st.addClient(idle);
    st.step(20);
    expect(joined.map((j) => j[0])).toEqual(['p1', 'p2']);
    // The spawn point chose the positions (session ids 1 and 2).
    expect(joined.map((j) => j[2])).toEqual([5.5, 6.5]);

    // The server's Mana system gave both players mana in the shared layout, and it regenerates.
    const world = st.server.world;
    const mana = storeOf(world.ecs, Mana);
    const eid = joined[0][1];
    expect(hasComponent(world.ecs, eid, mana)).toBe(true);
    const before = mana.current[eid];
    st.step(10);
    expect(mana.current[eid]).toBeGreaterThan(before);
    // The client runs only the predicted system (and its world lays Mana out too).
    expect(clientRuns).toBeGreaterThan(10);
    expect(storeOf(a.client.world.ecs, Mana).current.length).toBeGreaterThan(0);

    b.client.stop('bye for now');
    st.step(5);
    expect(left).toEqual([['p2', joined[1][1], 'bye for now']]);
    expect(st.server.players.size).toBe(1);
  });

  it('closes only the joining session when spawnPoint returns nonsense, naming the coordinate', async () => {
    const st = await createStepper({ game: { spawnPoint: () => ({ x: Number.NaN, y: 0, z: 0 }) } });
    st.addClient(idle);
    st.step(10);
    expect(st.server.players.size).toBe(0);
    expect(st.serverLog.join('\n')).toMatch(/spawnPoint returned x = NaN; it must be a finite number of blocks/);
  });
});
