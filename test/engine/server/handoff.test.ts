import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, type PlayerInput } from '../../../engine/input.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { captureComponents } from '../../../engine/server/entity-capture.ts';
import { decodeHandoff } from '../../../engine/server/handoff-state.ts';
import type { Pose } from '../../../engine/prediction/interpolation.ts';
import { SPRINT_SPEED } from '../../../engine/physics/controller.ts';
import { TICK_MS } from '../../../engine/tick.ts';
import { createTwoShards } from '../../support/two-shards.ts';
import { recordShard, replayShard } from '../../support/shard-replay.ts';
import { loadHasher } from '../../../engine/hash.ts';
import { stateHash } from '../../../engine/sim/state-hash.ts';
import { DEFAULT_SUPERFLAT } from '../../../engine/voxel/terrain/generator.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
/** Yaw steps facing +x and -x (step 0 faces +z, steps increase towards -x). */
const EAST = 768, WEST = 256;

/** Stands still until tick 60, then walks east and west by turns of 40 ticks (about 8.6 blocks each way). */
const pacer = (c: GameClient): Omit<PlayerInput, 'tick'> => {
  if (!c.predictor || c.tick < 60) return idle();
  return { buttons: Button.Forward, yaw: Math.floor((c.tick - 60) / 40) % 2 === 0 ? EAST : WEST, pitch: 0 };
};

const reconciliations = (events: Array<[string, unknown]>) => events.filter(([n]) => n === 'ReconciliationEvent').length;

describe('hand-off between two game servers', () => {
  it('a player walking across the border and back moves at a defined tick: no correction, same ids, components intact, watched without a despawn', async () => {
    const rig = await createTwoShards({ spawnAt: (name) => (name === 'watcher' ? [10.5, 6.5] : [11.5, 0.5]) });
    const walker = rig.addClient('walker', pacer);
    const watcher = rig.addClient('watcher', idle);
    rig.step(40);
    const id = walker.client.selfId;
    expect(id).toBeGreaterThan(0);
    expect(rig.owner(id)?.name).toBe('A');
    // A value no system touches, to see that every component travels (not only the replicated ones).
    const onA = rig.owner(id)!.player;
    rig.A.world.ecs.stores.Health.current[onA.eid] = 13;
    const before = reconciliations(walker.events);
    // Every component as it left, compared with what the other server adopted (before its first tick there).
    const left = new Map<number, ReturnType<typeof captureComponents>>();
    let adoptedSame = 0;
    for (const server of [rig.A, rig.B]) {
      const handOff = server.handOff;
      server.handOff = (sid, target) => { left.set(server.world.tick, captureComponents(server.world.ecs, server.players.get(sid)!.eid)); handOff(sid, target); };
    }
    const owners: string[] = [];
    const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    let prev: Pose | undefined, maxStep = 0;
    for (let i = 0; i < 260; i++) {
      rig.step(1);
      const o = rig.owner(id);
      if (o && owners.at(-1) !== o.name) {
        owners.push(o.name);
        const sent = left.get(o.server.world.tick - 1);
        if (sent) {
          const st = o.server.world.ecs.stores;
          expect(st.NetworkId.id[o.player.eid]).toBe(id);
          expect(st.Health.current[o.player.eid]).toBe(13);
          adoptedSame++;
        }
      }
      if (watcher.client.sampleRemote(id, pose)) {
        if (prev) maxStep = Math.max(maxStep, Math.hypot(pose.x - prev.x, pose.z - prev.z));
        prev = { ...pose };
      }
    }
    expect(rig.network.moves).toBeGreaterThanOrEqual(4);
    expect(owners.slice(0, 4)).toEqual(['A', 'B', 'A', 'B']);
    expect(adoptedSame).toBeGreaterThanOrEqual(3);
    expect(rig.A.counters.handoffsOut + rig.B.counters.handoffsOut).toBe(rig.network.moves);
    expect(rig.A.counters.handoffsIn + rig.B.counters.handoffsIn).toBe(rig.network.moves);
    expect(rig.A.counters.handoffsLate + rig.B.counters.handoffsLate).toBe(0);
    // The client kept its session and predicted through every move without a correction.
    expect(walker.client.net.state).toBe('active');
    expect(walker.client.selfId).toBe(id);
    expect(reconciliations(walker.events) - before).toBe(0);
    // The watcher (on A all along) saw the walker throughout: spawned once, never despawned, moving no faster than walking.
    expect(watcher.events.filter(([n, p]) => n === 'EntitySpawned' && (p as { id: number }).id === id)).toHaveLength(1);
    expect(watcher.events.filter(([n, p]) => n === 'EntityDespawned' && (p as { id: number }).id === id)).toEqual([]);
    expect(maxStep).toBeGreaterThan(0);
    // Drawn no faster than a player can move (a ghost is a tick late at most, so the view may catch up that tick).
    expect(maxStep).toBeLessThanOrEqual(SPRINT_SPEED * (TICK_MS / 1000) + 1e-6);
    const o = rig.owner(id)!;
    const s = o.server.world.ecs.stores;
    expect(Math.hypot(pose.x - s.Transform.x[o.player.eid], pose.z - s.Transform.z[o.player.eid])).toBeLessThan(2.5);
    expect(watcher.client.net.state).toBe('active');
  });

  it('the adopted state decodes to the components the player left with', async () => {
    let atAdoption: ReturnType<typeof captureComponents> | undefined;
    const loaded: Array<[number, unknown]> = [];
    let adoptedAt = -1;
    const rig = await createTwoShards({
      handOff: false,
      more: (name) => (name === 'A' ? { handoffData: { save: (p) => ({ mana: 42, eid: p.eid }), load() {} } } : {
        handoffData: { save: () => null, load: (p, data) => loaded.push([p.netId, data]) },
        recorder: (world) => ({
          joined() {}, left() {}, tickStarts() {}, applied() {},
          adopted(tick, netId) {
            adoptedAt = tick;
            const eid = [...rig.B.players.values()].find((q) => q.netId === netId)!.eid;
            atAdoption = captureComponents(world.ecs, eid);
          },
        }),
      }),
    });
    const adopted: Uint8Array[] = [];
    const walker = rig.addClient('walker', idle);
    rig.step(30);
    const p = [...rig.A.players.values()][0];
    const comps = captureComponents(rig.A.world.ecs, p.eid);
    const moveTo = p.session.moveTo.bind(p.session);
    (p.session as { moveTo: typeof moveTo }).moveTo = (target, state) => { adopted.push(state); moveTo(target, state); };
    rig.A.handOff(p.session.id, 'B');
    expect(adopted).toHaveLength(1);
    const state = decodeHandoff(adopted[0]);
    expect(state.netId).toBe(walker.client.selfId);
    expect(state.adoptTick).toBe(rig.A.world.tick);
    expect(state.components.map(([n]) => n)).toEqual(comps.map(([n]) => n));
    state.components.forEach(([, fields], i) => fields.forEach((f, j) => expect([...f]).toEqual([...comps[i][1][j]])));
    const handedAt = rig.A.world.tick;
    rig.step(2);
    expect(rig.B.players.size).toBe(1);
    // Adopted at the start of the tick the state named, with every component bit for bit.
    expect(adoptedAt).toBe(handedAt);
    // The game's own data came along, and the input queue and timing advice continue where they were.
    expect(loaded).toEqual([[walker.client.selfId, { mana: 42, eid: p.eid }]]);
    const onB = [...rig.B.players.values()][0];
    expect(onB.advice.seq).toBeGreaterThanOrEqual(p.advice.seq);
    expect(onB.queue.stats.accepted).toBeGreaterThan(p.queue.stats.accepted);
    expect(onB.known).toEqual(p.known);
    expect(onB.chunks).toEqual(p.chunks);
    expect(atAdoption!.map(([n]) => n)).toEqual(comps.map(([n]) => n));
    atAdoption!.forEach(([, fields], i) => fields.forEach((f, j) => expect([...f]).toEqual([...comps[i][1][j]])));
    expect([...rig.B.players.values()][0].netId).toBe(walker.client.selfId);
  });

  it('a hand-off that reaches the receiver after its tick ran there is adopted at once, counted and logged', async () => {
    const rig = await createTwoShards({ handOff: false });
    const walker = rig.addClient('walker', idle);
    rig.step(30);
    rig.A.handOff([...rig.A.players.values()][0].session.id, 'B');
    rig.B.tick(); // B runs the named tick before the session reaches it
    rig.step(3);
    expect(rig.B.counters.handoffsLate).toBe(1);
    expect(rig.B.counters.handoffsIn).toBe(1);
    expect(rig.logs.some((l) => /^B warn player walker \(entity 1\) adopted late/.test(l))).toBe(true);
    expect([...rig.B.players.values()].map((p) => p.netId)).toEqual([walker.client.selfId]);
    expect(walker.client.net.state).toBe('active');
  });

  it("each shard's run replays from its recording (joins, hand-offs both ways, remote edits, inputs) to the same state hash", async () => {
    const recs = { A: recordShard(), B: recordShard() };
    const spawnAt = (name: string): [number, number] => (name === 'watcher' ? [10.5, 6.5] : [11.5, 0.5]);
    const rig = await createTwoShards({ spawnAt, more: (name) => ({ recorder: () => recs[name].recorder }) });
    rig.addClient('walker', pacer);
    rig.addClient('watcher', idle);
    rig.step(60);
    rig.B.applyRemoteEdits([{ x: 12, y: 7, z: 5, block: 10 }]);
    rig.step(200);
    expect(rig.network.moves).toBeGreaterThanOrEqual(3);
    const hasher = await loadHasher();
    for (const [name, server] of [['A', rig.A], ['B', rig.B]] as const) {
      const kinds = new Set(recs[name].events.map((e) => e.kind));
      expect([...kinds].sort()).toEqual(name === 'A' ? ['adopted', 'applied', 'handedOff', 'joined'] : ['adopted', 'applied', 'handedOff', 'remoteEdits']);
      const replayed = replayShard(recs[name].events, recs[name].firstTick(), server.world.tick, {
        terrain: DEFAULT_SUPERFLAT, worldRadius: 2, columnSections: 4, seed: 7, netIdBase: name === 'A' ? 1 : 1_000_000, spawnAt,
      });
      expect(replayed.tick).toBe(server.world.tick);
      expect(stateHash(hasher, replayed), name).toBe(stateHash(hasher, server.world));
    }
  });

  it('a player building while it crosses the border and back: every client ends with the blocks of the servers', async () => {
    const rig = await createTwoShards({ spawnAt: (name) => (name === 'watcher' ? [10.5, 6.5] : [11.5, 0.5]) });
    let placed = 0;
    const walker = rig.addClient('walker', (c) => {
      const pace = pacer(c);
      const b = c.predictor?.body;
      if (!b || pace.buttons === 0 || c.tick % 7 !== 0) return pace;
      placed++;
      return { ...pace, block: { kind: BlockActionKind.Place, x: Math.floor(b.x), y: 6, z: Math.floor(b.z) + 2, face: 3 } };
    });
    const watcher = rig.addClient('watcher', idle);
    rig.step(300);
    rig.step(20); // the last section updates go out
    expect(rig.network.moves).toBeGreaterThanOrEqual(4);
    expect(placed).toBeGreaterThan(10);
    expect(walker.client.stats.confirmed).toBeGreaterThan(5);
    expect(walker.client.pending.size).toBe(0);
    let planks = 0;
    for (let x = 0; x < 32; x++) for (let z = -4; z < 8; z++) {
      const want = getBlock(rig.A.world.voxels, x, 7, z);
      if (want === Block.Planks) planks++;
      expect(getBlock(rig.B.world.voxels, x, 7, z), `B (${x}, 7, ${z})`).toBe(want);
      expect(getBlock(walker.client.world.voxels, x, 7, z), `walker (${x}, 7, ${z})`).toBe(want);
      expect(getBlock(watcher.client.world.voxels, x, 7, z), `watcher (${x}, 7, ${z})`).toBe(want);
    }
    expect(planks).toBe(walker.client.stats.confirmed);
  });

  it('over a lossy, jittery link the moves still cause no correction', async () => {
    const rig = await createTwoShards();
    const link = { latencyMs: 40, jitterMs: 15, loss: 0.05 };
    const walker = rig.addClient('walker', pacer, 'A', link);
    const watcher = rig.addClient('watcher', idle, 'A', link);
    rig.step(60);
    const before = reconciliations(walker.events);
    rig.step(260);
    expect(rig.network.moves).toBeGreaterThanOrEqual(4);
    expect(reconciliations(walker.events) - before).toBe(0);
    expect(walker.client.net.state).toBe('active');
    const id = walker.client.selfId;
    expect(watcher.events.filter(([n, p]) => n === 'EntityDespawned' && (p as { id: number }).id === id)).toEqual([]);
  });
});
