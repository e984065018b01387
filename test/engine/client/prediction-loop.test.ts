import { describe, expect, it } from 'vitest';
import { Button, type PlayerInput } from '../../../engine/input.ts';
import type { ReconciliationEvent } from '../../../engine/prediction/predictor.ts';
import { createRng } from '../../../engine/rng.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { createStepper } from '../../support/stepper.ts';

/** Scripted walking and jumping: turns every 40 ticks, jumps now and then. */
function walker(seed: number): (c: GameClient) => Omit<PlayerInput, 'tick'> {
  const rng = createRng(seed);
  let yaw = 0;
  return (c) => {
    if (c.tick % 40 === 0) yaw = rng.int(0, 1023);
    // Stay near the middle of a small world: face the origin when far out.
    const s = c.world.ecs.stores;
    const x = c.localEid ? s.Transform.x[c.localEid] : 0, z = c.localEid ? s.Transform.z[c.localEid] : 0;
    if (Math.abs(x) > 20 || Math.abs(z) > 20) yaw = Math.abs(x) > Math.abs(z) ? (x > 0 ? 256 : 768) : (z > 0 ? 512 : 0);
    return { buttons: Button.Forward | (rng.chance(0.1) ? Button.Jump : 0), yaw, pitch: 0 };
  };
}

const reconciliations = (events: Array<[string, unknown]>) =>
  events.filter(([n]) => n === 'ReconciliationEvent').map(([, p]) => p as ReconciliationEvent);

describe('prediction over the stepper', () => {
  it('100 ms RTT, no loss, 60 s of walking and jumping: zero reconciliations', async () => {
    const st = await createStepper();
    const a = st.addClient(walker(1), { latencyMs: 50 });
    st.step(20 * 62);
    expect(a.client.stats.ticks).toBeGreaterThan(20 * 58);
    expect(a.client.predictor).toBeDefined();
    expect(reconciliations(a.events)).toEqual([]);
    // And the server really moved the player: it is not standing at spawn.
    const eid = [...st.server.players.values()][0].eid;
    const s = st.server.world.ecs.stores;
    expect(Math.hypot(s.Transform.x[eid] - 0.5, s.Transform.z[eid] - 0.5)).toBeGreaterThan(3);
    expect(st.server.counters.inputsLate).toBe(0);
  });

  it('100 ms RTT, 20 ms jitter, 5% loss: average reconciliation error stays small', async () => {
    const st = await createStepper();
    const a = st.addClient(walker(2), { latencyMs: 50, jitterMs: 20, loss: 0.05 });
    st.step(20 * 62);
    const recs = reconciliations(a.events);
    const avgMs = recs.length ? recs.reduce((s, r) => s + r.errorMs, 0) / recs.length : 0;
    console.log(`5% loss: ${recs.length} reconciliations in ${a.client.stats.ticks} ticks, average error ${avgMs.toFixed(2)} ms, dropped ${a.link?.stats.dropped}`);
    expect(a.client.stats.ticks).toBeGreaterThan(20 * 58);
    expect(a.link!.stats.dropped).toBeGreaterThan(20);
    expect(avgMs).toBeLessThanOrEqual(30);
  });
});

describe('reconciliation', () => {
  it('under heavy loss and jitter the client does reconcile, and the error stays bounded', async () => {
    const st = await createStepper();
    // A new facing every tick: any input the server has to guess (repeat) differs from the real one.
    const rng = createRng(3);
    const a = st.addClient(() => ({ buttons: Button.Forward, yaw: rng.int(0, 1023), pitch: 0 }), { latencyMs: 50, jitterMs: 60, loss: 0.25 });
    st.step(20 * 30);
    const recs = reconciliations(a.events);
    const avgMs = recs.reduce((s, r) => s + r.errorMs, 0) / Math.max(1, recs.length);
    console.log(`25% loss, 60 ms jitter: ${recs.length} reconciliations, average error ${avgMs.toFixed(2)} ms`);
    expect(a.client.stats.ticks).toBeGreaterThan(20 * 25);
    expect(recs.length).toBeGreaterThan(0);
    expect(avgMs).toBeGreaterThan(0);
    expect(avgMs).toBeLessThan(500); // a few ticks of walking at worst
  });

  it('a server-forced correction (teleport) converges on the client within one RTT', async () => {
    const st = await createStepper();
    const a = st.addClient(walker(4), { latencyMs: 50 });
    st.step(100);
    expect(reconciliations(a.events)).toEqual([]);
    const p = [...st.server.players.values()][0];
    const s = st.server.world.ecs.stores;
    const teleportTick = st.server.world.tick;
    s.Transform.x[p.eid] += 6; // knocked back between ticks, by the server alone
    st.step(2); // one RTT (100 ms)
    const recs = reconciliations(a.events);
    expect(recs).toHaveLength(1);
    expect(recs[0].tick).toBe(teleportTick);
    expect(recs[0].errorBlocks).toBeGreaterThan(5);
    // From then on the prediction matches the server again: no further corrections.
    st.step(40);
    expect(reconciliations(a.events)).toHaveLength(1);
    const body = a.client.predictor!.body;
    expect(Math.abs(body.x - s.Transform.x[p.eid])).toBeLessThan(2); // the client is a few ticks ahead on the same path
  });
});
