import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, type PlayerInput } from '../../../engine/input.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { regionAtBlock } from '../../../engine/cluster/shard-runtime.ts';
import { captureComponents } from '../../../engine/server/entity-capture.ts';
import { HandoffStateError, decodeHandoff, encodeHandoff, isCheckpoint, type PlayerCheckpoint } from '../../../engine/server/handoff-state.ts';
import { checkCheckpointEvery, playerCheckpoint } from '../../../engine/server/server-checkpoint.ts';
import type { GameServer } from '../../../engine/server/game-server.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import { loadHasher } from '../../../engine/hash.ts';
import { stateHash } from '../../../engine/sim/state-hash.ts';
import { DEFAULT_SUPERFLAT } from '../../../engine/voxel/terrain/generator.ts';
import { createTwoShards, type ShardClient } from '../../support/two-shards.ts';
import { recordShard, replayShard } from '../../support/shard-replay.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
/** Yaw step facing +x. */
const EAST = 768;
const spawnAt = (name: string): [number, number] => (name === 'bee' ? [20.5, 0.5] : name === 'other' ? [9.5, 4.5] : [11.5, 0.5]);
const events = (c: ShardClient, name: string) => c.events.filter(([n]) => n === name);
const player = (server: GameServer, netId: number) => [...server.players.values()].find((p) => p.netId === netId);

describe('fail-over checkpoints', () => {
  it('a player leaves a checkpoint every checkpointEveryTicks ticks, for the region it stands in, with its components', async () => {
    const rig = await createTwoShards({ handOff: false, spawnAt, more: () => ({ regionOf: regionAtBlock, checkpointEveryTicks: 5, handoffData: { save: () => ({ mana: 7 }), load() {} } }) });
    const runner = rig.addClient('runner', idle);
    rig.step(40);
    const p = player(rig.A, runner.client.selfId)!;
    rig.A.world.ecs.stores.Health.current[p.eid] = 13;
    const from = rig.A.world.tick, before = rig.network.checkpoints.length;
    rig.step(20);
    while (rig.A.world.tick % 5 !== 0) rig.step(1); // the last checkpoint is of now
    const due = Array.from({ length: rig.A.world.tick - from }, (_, i) => from + 1 + i).filter((t) => t % 5 === 0).length;
    const left = rig.network.checkpoints.slice(before);
    expect(due).toBeGreaterThanOrEqual(4);
    expect(left).toHaveLength(due);
    expect(rig.A.counters.checkpoints).toBe(rig.network.checkpoints.length);
    const s = rig.A.world.ecs.stores;
    for (const c of left) {
      expect(c.at).toBe('A');
      expect(c.region).toBe(regionAtBlock(s.Transform.x[p.eid], s.Transform.z[p.eid]));
    }
    const state = decodeHandoff(left.at(-1)!.state);
    expect(isCheckpoint(state)).toBe(true);
    const cp = state as PlayerCheckpoint;
    expect(cp.netId).toBe(runner.client.selfId);
    expect(cp.name).toBe('runner');
    expect(cp.game).toEqual({ mana: 7 });
    expect(cp.client.advice.seq).toBe(p.advice.seq);
    expect(cp.client.known).toEqual([...p.known].sort((a, b) => a - b));
    expect(cp).not.toHaveProperty('replication');
    expect(cp).not.toHaveProperty('queue');
    const comps = captureComponents(rig.A.world.ecs, p.eid);
    expect(cp.components.map(([n]) => n)).toEqual(comps.map(([n]) => n));
    cp.components.forEach(([, fields], i) => fields.forEach((f, j) => expect([...f]).toEqual([...comps[i][1][j]])));
  });

  it('a checkpoint that cannot be left is logged once per session and skipped; the player plays on', async () => {
    const rig = await createTwoShards({ handOff: false, spawnAt, more: () => ({ regionOf: () => { throw new Error('no region here'); } }) });
    const runner = rig.addClient('runner', idle);
    rig.step(60);
    expect(rig.network.checkpoints).toEqual([]);
    expect(rig.A.counters.checkpoints).toBe(0);
    expect(rig.logs.filter((l) => /^A warn checkpoint of player runner .*no region here/.test(l))).toHaveLength(1);
    expect(runner.client.net.state).toBe('active');
    expect(rig.A.players.size).toBe(1);
  });

  it('checkpointEveryTicks is an integer in 1..1200; a checkpoint that is not a player state, or malformed, does not decode', () => {
    for (const bad of [0, 1201, 2.5, NaN, '10']) expect(() => checkCheckpointEvery(bad)).toThrow(RangeError);
    expect(checkCheckpointEvery(1200)).toBe(1200);
    const base = { version: 1, kind: 'player', checkpoint: true, adoptTick: 5, netId: 3, components: [], name: 'x', client: { known: [], lastSeq: -1, last: null, advice: { seq: 0, adjust: 0 } } };
    expect(isCheckpoint(decodeHandoff(encodeHandoff(base as never)))).toBe(true);
    for (const bad of [{ ...base, kind: 'entity' }, { ...base, checkpoint: 1 }, { ...base, client: undefined }, { ...base, client: { ...base.client, known: ['a'] } }, { ...base, client: { ...base.client, last: { tick: 1 } } }]) {
      expect(() => decodeHandoff(encodeHandoff(bad as never))).toThrow(HandoffStateError);
    }
  });

  it('when A dies, B re-attaches its player from the last checkpoint: same session, components, fresh view, and it keeps playing', async () => {
    const adoptedComps: Array<ReturnType<typeof captureComponents>> = [];
    const recB = recordShard();
    const rig = await createTwoShards({
      handOff: false, spawnAt,
      more: (name) => ({
        regionOf: regionAtBlock,
        recorder: name === 'B' ? (world) => ({
          ...recB.recorder,
          adopted(tick, netId, state) {
            recB.recorder.adopted!(tick, netId, state);
            adoptedComps.push(captureComponents(world.ecs, player(rig.B, netId)!.eid));
          },
        }) : undefined,
      }),
    });
    let mode: 'idle' | 'walk' | 'build' = 'idle';
    let built = false;
    const runner = rig.addClient('runner', (c: GameClient) => {
      const b = c.predictor?.body;
      if (!b || mode === 'idle') return idle();
      if (mode === 'build' && !built) {
        built = true;
        return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x), y: 6, z: Math.floor(b.z) + 2, face: 3 } };
      }
      return mode === 'walk' ? { buttons: Button.Forward, yaw: EAST, pitch: 0 } : idle();
    });
    const bee = rig.addClient('bee', idle, 'B');
    rig.step(40);
    const id = runner.client.selfId;
    const onA = player(rig.A, id)!;
    const sA = rig.A.world.ecs.stores;
    const sheep = rig.A.spawnEntity('Sheep', 12.5, 7, 3.5);
    const sheepId = sA.NetworkId.id[sheep];
    sA.Health.current[onA.eid] = 13;
    const slot = onA.eid * 9 + sA.Inventory.selected[onA.eid];
    expect(sA.Inventory.item[slot]).not.toBe(0);
    sA.Inventory.count[slot] = 33;
    rig.step(20);
    expect(runner.client.remotes.has(sheepId)).toBe(true);
    expect(runner.client.remotes.has(bee.client.selfId)).toBe(true); // B's player, a ghost on A
    // The runner walks on after its last checkpoint, which is where B takes it back to.
    while (rig.A.world.tick % 10 !== 0) rig.step(1);
    mode = 'walk';
    rig.step(6);
    const last = rig.network.checkpoints.filter((c) => c.at === 'A').at(-1)!;
    const cp = decodeHandoff(last.state) as PlayerCheckpoint;
    expect(cp.client.known).toContain(sheepId);
    const mark = runner.events.length;
    const reconciliationsBefore = events(runner, 'ReconciliationEvent').length;
    expect(rig.kill('A')).toEqual(['10.0.0.1']);
    rig.step(3);
    mode = 'idle';
    // Columns go out at once (no ChunkHave comes on a continued session), though the client holds them.
    expect(runner.events.slice(mark).filter(([n]) => n === 'ChunkLoaded').length).toBeGreaterThan(0);
    // Re-attached at the next tick, every component as checkpointed (health and hotbar too): not a hand-off.
    expect(rig.B.counters.reattached).toBe(1);
    expect(rig.B.counters.handoffsIn + rig.B.counters.handoffsLate).toBe(0);
    expect(adoptedComps).toHaveLength(1);
    expect(adoptedComps[0].map(([n]) => n)).toEqual(cp.components.map(([n]) => n));
    adoptedComps[0].forEach(([, fields], i) => fields.forEach((f, j) => expect([...f]).toEqual([...cp.components[i][1][j]])));
    rig.step(40);
    const onB = player(rig.B, id)!;
    const sB = rig.B.world.ecs.stores;
    expect(sB.Health.current[onB.eid]).toBe(13);
    expect(sB.Inventory.count[onB.eid * 9 + sB.Inventory.selected[onB.eid]]).toBe(33);
    // The client kept its session and its id, and got its hotbar, the columns and the entities in view again.
    expect(runner.client.net.state).toBe('active');
    expect(events(runner, 'Disconnected')).toEqual([]);
    expect(runner.client.selfId).toBe(id);
    const sC = runner.client.world.ecs.stores;
    expect(sC.Inventory.count[runner.client.localEid * 9 + sC.Inventory.selected[runner.client.localEid]]).toBe(33);
    const after = runner.events.slice(mark);
    expect(after.filter(([n]) => n === 'ChunkLoaded').length).toBe(onB.chunks.size);
    expect(onB.chunks.size).toBeGreaterThan(0);
    expect(after.filter(([n, p]) => n === 'EntitySpawned' && (p as { id: number }).id === bee.client.selfId)).toHaveLength(1);
    // The sheep died with A: the client forgot it; it sees exactly what B has it know.
    expect(after.filter(([n, p]) => n === 'EntityDespawned' && (p as { id: number }).id === sheepId)).toHaveLength(1);
    expect([...runner.client.remotes.keys()].sort()).toEqual([...onB.known].sort());
    expect(onB.known.has(bee.client.selfId)).toBe(true);
    // B's timing advice is newer than any A sent (the client applies only newer numbers), though A sent some after the checkpoint.
    const ahead = (onB.advice.seq - cp.client.advice.seq) & 0xffff;
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThan(0x8000);
    // Prediction recovers: B took the runner back a few steps, the client converged to where B has it.
    expect(events(runner, 'ReconciliationEvent').length).toBeGreaterThan(reconciliationsBefore);
    const body = runner.client.predictor!.body;
    expect(Math.hypot(body.x - sB.Transform.x[onB.eid], body.y - sB.Transform.y[onB.eid], body.z - sB.Transform.z[onB.eid])).toBeLessThan(1e-3);
    // Other players on B see it as ever.
    expect(bee.client.remotes.has(id)).toBe(true);
    // It keeps playing: a block placed is acknowledged by B, and held by B and the client alike.
    const confirmed = runner.client.stats.confirmed;
    mode = 'build';
    rig.step(20);
    expect(built).toBe(true);
    expect(runner.client.stats.confirmed).toBe(confirmed + 1);
    const bx = Math.floor(sB.Transform.x[onB.eid]), bz = Math.floor(sB.Transform.z[onB.eid]) + 2;
    expect(getBlock(rig.B.world.voxels, bx, 7, bz)).toBe(Block.Planks);
    expect(getBlock(runner.client.world.voxels, bx, 7, bz)).toBe(Block.Planks);
    const x0 = sB.Transform.x[onB.eid];
    mode = 'walk';
    rig.step(10);
    mode = 'idle';
    rig.step(10);
    expect(sB.Transform.x[onB.eid]).toBeGreaterThan(x0 + 1);
    expect(runner.client.net.state).toBe('active');
    // B's run replays from its recording (the re-attachment is an adoption there) to the same state.
    const hasher = await loadHasher();
    const replayed = replayShard(recB.events, recB.firstTick(), rig.B.world.tick, {
      terrain: DEFAULT_SUPERFLAT, worldRadius: 2, columnSections: 4, seed: 7, netIdBase: 1_000_000, spawnAt,
    });
    expect(stateHash(hasher, replayed)).toBe(stateHash(hasher, rig.B.world));
  });

  it('a corrupt checkpoint refuses only that session; a network id alive on the server refuses it too', async () => {
    const rig = await createTwoShards({ handOff: false, spawnAt, more: () => ({ regionOf: regionAtBlock }) });
    const runner = rig.addClient('runner', idle);
    const other = rig.addClient('other', idle);
    rig.step(40);
    const corrupt = (from: string, state: Uint8Array) => (from === '10.0.0.1' ? state.subarray(0, state.length >> 1) : state);
    expect(rig.kill('A', corrupt).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    rig.step(10);
    expect(runner.client.net.state).not.toBe('active');
    expect(events(runner, 'Disconnected')).toHaveLength(1);
    expect((events(runner, 'Disconnected')[0][1] as { reason: string }).reason).toMatch(/hand-off refused/);
    expect(other.client.net.state).toBe('active');
    expect(rig.B.counters.reattached).toBe(1);
    expect([...rig.B.players.values()].map((p) => p.netId)).toEqual([other.client.selfId]);
    // The other's checkpoint once more, while it lives on B: refused, and the player on B is untouched.
    const p = player(rig.B, other.client.selfId)!;
    const again = encodeHandoff(playerCheckpoint(rig.B.world, p));
    const closes: string[] = [];
    rig.B.net.accept({
      reliableDatagrams: true, maxDatagramSize: 1200, resume: again,
      sendDatagram() {}, openStream() { throw new Error('no streams'); }, setHandlers() {},
      close(info) { closes.push(info.reason); },
    });
    rig.step(2);
    expect(closes.join()).toMatch(/network id \d+ is already alive on this server/);
    expect(rig.B.counters.reattached).toBe(1);
    expect(other.client.net.state).toBe('active');
  });
});
