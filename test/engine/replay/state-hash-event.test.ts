import { describe, expect, it } from 'vitest';
import { loadHasher } from '../../../engine/hash.ts';
import { Button, type PlayerInput } from '../../../engine/input.ts';
import { diffEventStreams } from '../../../engine/replay/diff.ts';
import { recordEvents } from '../../../engine/replay/event-recorder.ts';
import { createEventStreamWriter, parseEventStream } from '../../../engine/replay/event-stream.ts';
import { createArrayLineSink, joinLines } from '../../../engine/replay/jsonl.ts';
import { stateHashEventAt } from '../../../engine/replay/state-hash-event.ts';
import { createGameWorld, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { stateHash } from '../../../engine/sim/state-hash.ts';
import { stepWorld } from '../../../engine/sim/step.ts';
import { setBlock } from '../../../engine/voxel/voxel-world.ts';
import { DEFAULT_SUPERFLAT } from '../../../engine/voxel/terrain/generator.ts';
import { generateColumnsSync, squareAround } from '../../../workers/terrain.main.ts';
import { serverHeader } from '../../support/streams.ts';

/** Runs a one-player world for `ticks` ticks, recording its events and state hashes; `meddle` may edit it. */
async function recordRun(ticks: number, meddle?: (tick: number, world: ReturnType<typeof createGameWorld>) => void): Promise<string> {
  const hasher = await loadHasher();
  const world = createGameWorld({ columnSections: 4, capacity: 16 });
  generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 1));
  const sink = createArrayLineSink();
  const writer = createEventStreamWriter(sink, serverHeader());
  recordEvents(world.events, writer);
  const eid = spawnPlayer(world, 0.5, 8, 0.5);
  for (let t = 0; t < ticks; t++) {
    const hashEvent = stateHashEventAt(hasher, world);
    if (hashEvent) {
      expect(hashEvent.hash).toBe(stateHash(hasher, world));
      writer.write(hashEvent);
    }
    meddle?.(world.tick, world);
    const input: PlayerInput = { tick: t, buttons: t % 40 < 20 ? Button.Forward : Button.Back, yaw: 100, pitch: 0 };
    stepWorld(world, new Map([[eid, input]]));
  }
  return joinLines(sink.lines);
}

describe('state hash events', () => {
  it('are due every 20 ticks and make two identical runs diff clean', async () => {
    const a = parseEventStream(await recordRun(61), 'a');
    expect(a.events.filter((e) => e.type === 'StateHash').map((e) => e.tick)).toEqual([0, 20, 40, 60]);
    expect(a.events[0]).toMatchObject({ tick: 0, type: 'PlayerSpawned', eid: 1, netId: 1 });
    const b = parseEventStream(await recordRun(61), 'b');
    expect(diffEventStreams(a, b).same).toBe(true);
  });

  it('show where a run diverged: the first hash after the change is a value mismatch', async () => {
    const a = parseEventStream(await recordRun(61), 'a');
    const b = parseEventStream(await recordRun(61, (tick, w) => { if (tick === 45) setBlock(w.voxels, 5, 3, 5, 0); }), 'b');
    const d = diffEventStreams(a, b);
    expect(d.counts).toEqual({ schema: 0, missing: 0, extra: 0, order: 0, value: 1 });
    expect(d.differences[0]).toMatchObject({ kind: 'value', tick: 60, type: 'StateHash', fields: [{ path: '$.hash' }] });
  });
});
