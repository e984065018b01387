import { describe, expect, it } from 'vitest';
import { fullSnapshotBytes, type EntityState } from '../../../engine/codec/entity-delta.ts';
import { applyEntityUpdate, createSnapshotHistory, encodeEntityUpdate } from '../../../engine/replication/entity-baselines.ts';
import { createRng } from '../../../engine/rng.ts';
import { GAME_LAYOUT, stateOf } from '../../support/entity-states.ts';

const walker = (id: number, tick: number): EntityState => stateOf({
  id, x: 100 * id + tick * 7, y: 1024, z: -50 + (tick % 40) * 3, yaw: (id * 13) % 256, pitch: 0,
  vx: 69, vy: 0, vz: 48, health: 20, item: 3, flags: 1,
});

describe('entity baselines', () => {
  it('keeps server and client in step through loss, acks that lag, and entities leaving and coming back', () => {
    const server = createSnapshotHistory();
    const client = createSnapshotHistory();
    const rng = createRng(5);
    let ack = 0;
    let bytes = 0, full = 0;
    for (let tick = 2; tick <= 400; tick += 2) {
      // Entity 3 leaves the set for a while and comes back with new values.
      const ids = [1, 2, 3, 4, 5].filter((id) => id !== 3 || tick < 100 || tick > 160);
      const states = ids.map((id) => walker(id, tick));
      const u = encodeEntityUpdate(GAME_LAYOUT, server, tick, ack, states);
      bytes += u.data.length;
      full += fullSnapshotBytes(states.length, GAME_LAYOUT.fullBytes);
      if (rng.chance(0.2)) continue; // the datagram is lost
      const held = applyEntityUpdate(GAME_LAYOUT, client, u.tick, u.baselineTick, u.data);
      expect(held).not.toBeNull();
      expect([...held!.values()].sort((a, b) => a.id - b.id)).toEqual(states);
      if (rng.chance(0.7)) ack = tick; // the ack reaches the server (or not yet)
    }
    expect(1 - bytes / full).toBeGreaterThan(0.6);
  });

  it('drops an update whose baseline the client does not have', () => {
    const client = createSnapshotHistory();
    expect(applyEntityUpdate(GAME_LAYOUT, client, 10, 8, Uint8Array.of(0, 0))).toBeNull();
  });
});
