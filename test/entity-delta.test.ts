/**
 * The entity-delta figure of the replication issue: 100 bots walking, turning and jumping under the real simulation
 * step, replicated at 10 Hz for 30 simulated seconds through `encodeEntityUpdate` to a client over a link that
 * delays both ways and loses updates and acks; the client applies every update it gets with `applyEntityUpdate`.
 */
import { describe, expect, it } from 'vitest';
import type { EntityState } from '../engine/codec/entity-delta.ts';
import { TICK_HZ } from '../engine/tick.ts';
import { replicateEntities } from '../bench/entity-link.ts';
import { createWalkers } from '../bench/entity-walkers.ts';
import { named } from './support/entity-states.ts';

const ENTITIES = 100;
const SECONDS = 30;
const EVERY = 2; // 10 Hz at 20 ticks per second

describe('entity delta replication, 100 walkers at 10 Hz', () => {
  it('keeps the client exactly in step through delay and loss, and saves at least 60% against full snapshots', () => {
    const walkers = createWalkers({ entities: ENTITIES, seed: 11 });
    const start = walkers.states();
    let checked = 0;
    const r = replicateEntities({
      walkers, every: EVERY, warmupTicks: 0, ticks: SECONDS * TICK_HZ,
      link: { loss: 0.1, ackLoss: 0.1, latencyTicks: 2, seed: 3 },
      onApplied(_tick, held: readonly EntityState[], sent: readonly EntityState[]) {
        expect(held).toEqual([...sent].sort((a, b) => a.id - b.id));
        checked++;
      },
    });
    // The bots really moved, and the client followed them.
    const end = walkers.states().map(named), begin = start.map(named);
    const moved = end.filter((s, i) => Math.abs(s.x - begin[i].x) + Math.abs(s.z - begin[i].z) > 16).length;
    expect(moved).toBeGreaterThan(ENTITIES * 0.8);
    expect(r.updates).toBe((SECONDS * TICK_HZ) / EVERY);
    expect(r.lost).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(r.updates * 0.8);
    expect(r.mismatches).toBe(0);
    expect(r.unappliable).toBe(0);

    const savings = 1 - r.payloadBytes / r.fullSnapshotBytes;
    console.log(
      `entity-delta ${ENTITIES} walkers 10 Hz, ${SECONDS} s, 10% loss each way, 100 ms one-way: `
      + `${(r.payloadBytes / r.entityRecords).toFixed(2)} B per entity record, ${(r.payloadBytes / r.updates / ENTITIES).toFixed(2)} B per entity per update, `
      + `savings ${(savings * 100).toFixed(1)}% vs full snapshots (${r.payloadBytes} of ${r.fullSnapshotBytes} B)`,
    );
    expect(savings).toBeGreaterThanOrEqual(0.6);
  });

  it('falls back to a zero baseline when acks stop arriving, and stays exact', () => {
    const walkers = createWalkers({ entities: 20, seed: 2 });
    const r = replicateEntities({
      walkers, every: EVERY, warmupTicks: 0, ticks: 200,
      link: { loss: 0, ackLoss: 1, latencyTicks: 1, seed: 1 },
    });
    // No ack ever arrives: every update goes against zero, and the client still applies each one.
    expect(r.againstZero).toBe(r.updates);
    expect(r.mismatches).toBe(0);
    expect(r.applied).toBe(r.updates - 1); // the last one is still in flight
  });
});
