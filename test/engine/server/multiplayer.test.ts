import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, type PlayerInput } from '../../../engine/input.ts';
import { Channel } from '../../../engine/net/channels.ts';
import { MsgType } from '../../../engine/protocol/messages.ts';
import type { Pose } from '../../../engine/prediction/interpolation.ts';
import { SPRINT_SPEED } from '../../../engine/physics/controller.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { EDITS_PER_SECOND } from '../../../engine/server/server-tick.ts';
import { createStepper } from '../../support/stepper.ts';
import { takeDirtySections } from '../../../workers/mesh.main.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const SURFACE = 7; // superflat: grass at y = 6

/** Cells on the ground around the player (2 to 3 blocks away, within reach), one per action. */
const CELLS = [-3, -2, 2, 3].flatMap((dx) => [-2, -1, 0, 1, 2].map((dz) => [dx, dz] as const));

/** Places blocks on the ground around the player at the client ticks `at` accepts (one per tick). */
function builder(at: (c: GameClient) => boolean) {
  let n = 0;
  return (c: GameClient): Omit<PlayerInput, 'tick'> => {
    const b = c.predictor?.body;
    if (!b || !at(c)) return idle();
    const [dx, dz] = CELLS[n++ % CELLS.length];
    return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + dx, y: SURFACE - 1, z: Math.floor(b.z) + dz, face: 3 } };
  };
}

describe('multiplayer over the stepper', () => {
  it("a client's placed block shows at once, is confirmed, and another client sees it", async () => {
    const st = await createStepper();
    let placeAt = -1;
    const a = st.addClient(builder((c) => { if (placeAt < 0 && c.tick > 40) placeAt = c.tick; return c.tick === placeAt; }), { latencyMs: 50 });
    const b = st.addClient(idle, { latencyMs: 50 });
    st.step(30);
    expect(b.client.remotes.size).toBe(1);
    // The spawn names the player (the name its client gave in Hello), for name tags.
    expect(b.client.remotes.get(a.client.selfId)?.name).toBe('p1');
    expect(a.client.remotes.get(b.client.selfId)?.name).toBe('p2');
    // Step until A predicts its edit.
    let edit: { x: number; y: number; z: number } | undefined;
    for (let i = 0; i < 40 && !edit; i++) { st.step(1); edit = [...a.client.pending.values()][0]; }
    expect(edit).toBeDefined();
    const { x, y, z } = edit!;
    expect(getBlock(a.client.world.voxels, x, y, z)).toBe(Block.Planks); // shown at once
    expect(getBlock(b.client.world.voxels, x, y, z)).toBe(Block.Air);
    takeDirtySections(b.client.world.voxels); // B's renderer has meshed everything
    st.step(10);
    expect(a.client.stats.confirmed).toBe(1);
    expect(a.client.pending.size).toBe(0);
    expect(getBlock(st.server.world.voxels, x, y, z)).toBe(Block.Planks);
    expect(getBlock(b.client.world.voxels, x, y, z)).toBe(Block.Planks);
    expect(b.events.some(([n, p]) => n === 'BlockChanged' && (p as { x: number }).x === x)).toBe(true);
    // The section update marked B's section for remeshing, so B draws the block.
    const remesh = takeDirtySections(b.client.world.voxels);
    expect(remesh.some((r) => r.cx === x >> 4 && r.sy === y >> 4 && r.cz === z >> 4)).toBe(true);
  });

  it('edits beyond the rate limit are refused by the server and rolled back on the client', async () => {
    const st = await createStepper();
    const a = st.addClient(builder((c) => c.tick > 40 && c.tick <= 40 + EDITS_PER_SECOND + 6), { latencyMs: 50 });
    st.step(120);
    expect(a.client.stats.actions).toBeGreaterThan(EDITS_PER_SECOND);
    expect(a.client.stats.refused).toBeGreaterThan(0);
    const limited = a.events.filter(([n, p]) => n === 'BlockResult' && (p as { reason: string }).reason === 'rate-limited');
    expect(limited.length).toBe(st.server.counters.rateLimited);
    expect(st.server.counters.rateLimited).toBeGreaterThan(0);
    expect(a.client.pending.size).toBe(0);
    // After the rollbacks the client's blocks equal the server's around the player.
    for (let x = -8; x < 8; x++) for (let z = -8; z < 8; z++) {
      expect(getBlock(a.client.world.voxels, x, SURFACE, z), `(${x}, ${SURFACE}, ${z})`).toBe(getBlock(st.server.world.voxels, x, SURFACE, z));
    }
  });

  it('another client draws a sprinting player smoothly: never faster than its top speed, close to the truth', async () => {
    const st = await createStepper();
    let yaw = 0;
    const a = st.addClient((c) => { if (c.tick % 30 === 0) yaw = (yaw + 300) % 1024; return { buttons: Button.Forward | Button.Sprint, yaw, pitch: 0 }; }, { latencyMs: 50, jitterMs: 20, loss: 0.1 });
    const b = st.addClient(idle, { latencyMs: 50, jitterMs: 20, loss: 0.1 });
    st.step(20);
    const id = a.client.selfId;
    const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    const FRAME_MS = 1000 / 60;
    let prev: Pose | null = null, maxStep = 0, frames = 0;
    for (let f = 0; f < 60 * 8; f++) {
      st.scheduler.advance(FRAME_MS);
      if (!b.client.sampleRemote(id, pose)) continue;
      if (prev) maxStep = Math.max(maxStep, Math.hypot(pose.x - prev.x, pose.z - prev.z));
      prev = { ...pose };
      frames++;
    }
    expect(frames).toBeGreaterThan(400);
    expect(maxStep).toBeGreaterThan(0);
    expect(maxStep).toBeLessThanOrEqual(SPRINT_SPEED * (FRAME_MS / 1000) + 1e-6);
    const eid = [...st.server.players.values()].find((p) => p.netId === id)!.eid;
    const s = st.server.world.ecs.stores;
    // Drawn 100 ms (plus the link) in the past: within a couple of blocks of where the server has it now.
    expect(Math.hypot(pose.x - s.Transform.x[eid], pose.z - s.Transform.z[eid])).toBeLessThan(2.5);
  });

  it('bad input (far-future ticks, 100 inputs at once, an edit out of reach) is refused and counted; others are unaffected', async () => {
    const st = await createStepper();
    const good = st.addClient((c) => ({ buttons: Button.Forward, yaw: (c.tick >> 5) * 100, pitch: 0 }), { latencyMs: 50 });
    const raw = st.rawClient('hostile');
    st.step(20);
    expect(raw.state).toBe('active');
    const t = st.server.world.tick;
    const move = { buttons: Button.Forward, yaw: 0, pitch: 0 };
    const bundle = (tick: number, seq: number, extra = {}) =>
      raw.send(Channel.Input, { type: MsgType.InputBundle, clientTick: tick, seq, ackTick: 0, inputs: [{ tick, ...move, ...extra }] });
    bundle(t + 10, 1, { block: { kind: BlockActionKind.Break, x: 40, y: 3, z: 0, face: 3 } }); // 40 blocks away
    bundle(t + 100_000, 2); // far in the future
    for (let i = 0; i < 100; i++) bundle(t + 2 + (i % 60), 3 + i); // a burst within the input budget, partly beyond the lead window
    st.step(100);
    const c = st.server.counters;
    expect(c.inputsTooFar).toBeGreaterThanOrEqual(2); // t+100000, and the flood beyond the lead window
    expect(c.refused).toBeGreaterThanOrEqual(1); // the edit 40 blocks away
    expect(getBlock(st.server.world.voxels, 40, 3, 0)).toBe(Block.Stone);
    expect(raw.state).toBe('active'); // the session stays, consistent
    expect(good.events.filter(([n]) => n === 'ReconciliationEvent')).toEqual([]);
    const goodPlayer = [...st.server.players.values()].find((p) => p.session.name === 'p1')!;
    expect(goodPlayer.queue.stats.late).toBe(0);
    expect(good.client.stats.ticks).toBeGreaterThan(100);
  });

  it('a block action that arrives after its tick is refused as late, and changes nothing', async () => {
    const st = await createStepper();
    const raw = st.rawClient('late');
    st.step(20);
    const t = st.server.world.tick;
    raw.send(Channel.Input, { type: MsgType.InputBundle, clientTick: t - 3, seq: 1, ackTick: 0, inputs: [{ tick: t - 3, buttons: 0, yaw: 0, pitch: 0, block: { kind: BlockActionKind.Break, x: 1, y: 6, z: 1, face: 3 } }] });
    st.step(3);
    const late = raw.received.filter((m) => m.type === MsgType.BlockResult);
    expect(late).toEqual([expect.objectContaining({ ok: false, reason: 'late', tick: t - 3, x: 1, y: 6, z: 1, block: Block.Grass })]);
    expect(getBlock(st.server.world.voxels, 1, 6, 1)).toBe(Block.Grass);
    expect(st.server.counters.inputsLate).toBe(1);
  });
});
