import { describe, expect, it } from 'vitest';
import { Button, type PlayerInput } from '../../../engine/input.ts';
import type { Pose } from '../../../engine/prediction/interpolation.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

describe('entity updates', () => {
  it('a client whose view stopped changing gets no more updates, and draws the others where they stopped', async () => {
    const st = await createStepper();
    let walking = true;
    const a = st.addClient(() => (walking ? { buttons: Button.Forward | Button.Sprint, yaw: 300, pitch: 0 } : idle()), { latencyMs: 50, jitterMs: 10, loss: 0.1 });
    const b = st.addClient(idle, { latencyMs: 50, jitterMs: 10, loss: 0.1 });
    st.step(40);
    const server = (c: GameClient) => { const p = [...st.server.players.values()].find((q) => q.netId === c.selfId); if (!p) throw new Error(`no player ${c.selfId} among ${[...st.server.players.values()].map((q) => q.netId)}; ${st.serverLog.join(" / ")}`); return p; };
    const pa = server(a.client), pb = server(b.client);
    expect(pb.metrics.entityUpdates).toBeGreaterThan(10); // a walks: b hears of it at 10 Hz

    walking = false;
    st.step(60); // a slows down and stands; b's last updates say so, and b acknowledges
    const [updatesB, updatesA, bytesB] = [pb.metrics.entityUpdates, pa.metrics.entityUpdates, pb.metrics.bytes.entity];
    st.step(100);
    expect(pb.metrics.entityUpdates).toBe(updatesB);
    expect(pa.metrics.entityUpdates).toBe(updatesA);
    expect(pb.metrics.bytes.entity).toBe(bytesB);
    expect(pb.metrics.entityUpdatesQuiet).toBeGreaterThanOrEqual(45);
    // b draws a exactly where the server has it (no extrapolated last step), within the wire's quantization.
    const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    for (let f = 0; f < 30; f++) { st.scheduler.advance(1000 / 60); b.client.sampleRemote(a.client.selfId, pose); }
    const s = st.server.world.ecs.stores;
    expect(Math.abs(pose.x - s.Transform.x[pa.eid])).toBeLessThan(0.05);
    expect(Math.abs(pose.z - s.Transform.z[pa.eid])).toBeLessThan(0.05);

    walking = true;
    st.step(20); // a moves again: b hears of it at once
    expect(pb.metrics.entityUpdates).toBeGreaterThan(updatesB + 5);
  });

  it('a player that stops turning is drawn facing where it stopped, not one extrapolated step further', async () => {
    const st = await createStepper();
    let turning = true;
    const a = st.addClient((c) => ({ buttons: 0, yaw: turning ? (c.tick * 40) % 1024 : 0, pitch: 0 }));
    const b = st.addClient(idle);
    st.step(40);
    const pa = [...st.server.players.values()].find((p) => p.netId === a.client.selfId)!;
    const pb = [...st.server.players.values()].find((p) => p.netId === b.client.selfId)!;
    // While a turns, b gets an update each round; the server keeps only what b may still use as a baseline (its
    // acknowledged tick, or newer), as of the last round.
    expect(pb.entities.byTick.size).toBeLessThanOrEqual(3);
    expect(Math.min(...pb.entities.byTick.keys())).toBeGreaterThanOrEqual(pb.ackTick - 2);
    turning = false; // a faces yaw 0 from its next input on, a big last step
    st.step(60);
    const quiet = pb.metrics.entityUpdatesQuiet;
    st.step(20);
    expect(pb.metrics.entityUpdatesQuiet).toBe(quiet + 10); // b is told nothing more...
    const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    for (let f = 0; f < 30; f++) { st.scheduler.advance(1000 / 60); b.client.sampleRemote(a.client.selfId, pose); }
    const yaw = st.server.world.ecs.stores.Transform.yaw[pa.eid];
    expect(Math.min(Math.abs(pose.yaw - yaw), 1024 - Math.abs(pose.yaw - yaw))).toBeLessThanOrEqual(4); // ...and draws a as it is
  });
});
