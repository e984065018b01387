import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../engine/codec/entity-delta.ts';
import { GAME_LAYOUT, named, stateOf } from '../../support/entity-states.ts';
import { applyEntityUpdate, createSnapshotHistory, encodeEntityUpdate } from '../../../engine/replication/entity-baselines.ts';
import { MAX_EXTRAPOLATION_TICKS, extrapolateState } from '../../../engine/replication/entity-extrapolation.ts';

const onGround = (x: number, z: number, vx: number, vz: number): EntityState => stateOf({
  id: 4, x, y: 112, z, yaw: 0, pitch: 0, vx, vy: 0, vz, health: 20, item: 0, flags: 1,
});
const M = GAME_LAYOUT.motion;
const extrapolate = (s: EntityState, n: number) => extrapolateState(s, n, M);

const stateArb = (id: number) => fc.record({
  id: fc.constant(id),
  x: fc.integer({ min: -1_000_000, max: 1_000_000 }), y: fc.integer({ min: -1024, max: 8192 }), z: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  yaw: fc.integer({ min: 0, max: 255 }), pitch: fc.integer({ min: -128, max: 128 }),
  vx: fc.integer({ min: -2000, max: 2000 }), vy: fc.integer({ min: -2000, max: 2000 }), vz: fc.integer({ min: -2000, max: 2000 }),
  health: fc.integer({ min: 0, max: 20 }), item: fc.integer({ min: 0, max: 10 }), flags: fc.integer({ min: 0, max: 1 }),
}).map(stateOf);

describe('entity extrapolation (dead reckoning of baselines)', () => {
  it('moves a walking entity by its velocity and leaves one at rest alone', () => {
    const walking = onGround(160, -32, 69, -48); // 4.3 and -3 blocks/s
    expect(named(extrapolate(walking, 2))).toMatchObject({ x: 160 + 7, z: -32 - 5, y: 112, vy: 0, vx: 69, vz: -48 });
    const still = onGround(5, 6, 0, 0);
    expect(extrapolate(still, 10)).toBe(still);
    expect(extrapolate(walking, 0)).toBe(walking);
  });

  it('applies gravity per tick while airborne, capped at terminal speed and at MAX_EXTRAPOLATION_TICKS', () => {
    const jump = stateOf({ ...named(onGround(0, 0, 0, 0)), vy: 160, flags: 0 }); // 10 blocks/s up
    const two = named(extrapolate(jump, 2));
    expect(two.vy).toBe(Math.round(160 - 2 * 25.6));
    expect(two.y).toBe(Math.round(112 + (160 - 25.6) / 20 + (160 - 51.2) / 20));
    const long = extrapolate(jump, 10_000);
    expect(named(long).vy).toBe(-60 * 16);
    expect(long).toEqual(extrapolate(jump, MAX_EXTRAPOLATION_TICKS));
  });

  it('never yields -0', () => {
    fc.assert(fc.property(stateArb(1), fc.integer({ min: 1, max: 40 }), (s, n) => {
      const e = named(extrapolate(s, n));
      for (const v of [e.x, e.y, e.z, e.vy]) expect(Object.is(v, -0)).toBe(false);
    }));
  });

  it('a straight walk costs only id and mask per update once the baseline is acked', () => {
    const server = createSnapshotHistory(), client = createSnapshotHistory();
    let s = onGround(0, 0, 69, 0);
    const first = encodeEntityUpdate(GAME_LAYOUT, server, 2, 0, [s]);
    applyEntityUpdate(GAME_LAYOUT, client, 2, first.baselineTick, first.data);
    // 69/16 blocks/s for 2 ticks is 6.9 units: the expected x rounds to the true one.
    s = stateOf({ ...named(s), x: 7 });
    const u = encodeEntityUpdate(GAME_LAYOUT, server, 4, 2, [s]);
    expect(u.data.length).toBe(4); // removed count, entity count, id, empty mask
    expect([...applyEntityUpdate(GAME_LAYOUT, client, 4, u.baselineTick, u.data)!.values()]).toEqual([s]);
  });

  it('server and client agree exactly for arbitrary states, gaps and acks', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(stateArb(1), stateArb(2), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 25 }),
      (steps) => {
        const server = createSnapshotHistory(), client = createSnapshotHistory();
        let tick = 0, ack = 0;
        for (const [a, b, gap, delivered, acked] of steps) {
          tick += gap;
          const u = encodeEntityUpdate(GAME_LAYOUT, server, tick, ack, [a, b]);
          if (!delivered) continue;
          const held = applyEntityUpdate(GAME_LAYOUT, client, tick, u.baselineTick, u.data);
          expect(held).not.toBeNull();
          expect([...held!.values()].sort((p, q) => p.id - q.id)).toEqual([a, b]);
          if (acked) ack = tick;
        }
      },
    ));
  });
});
