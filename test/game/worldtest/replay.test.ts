import { describe, expect, it } from 'vitest';
import { parseInputLog } from '../../../engine/replay/input-log.ts';
import { diffEventStreams } from '../../../engine/replay/diff.ts';
import { joinLines } from '../../../engine/replay/jsonl.ts';
import { stateHash } from '../../../engine/sim/state-hash.ts';
import { clientBot } from '../../../game/client/bot.ts';
import { replaySession } from '../../../game/worldtest/replay.ts';
import { gameStepper } from '../../support/game-stepper.ts';

describe('replay of a recorded server session', () => {
  it('re-simulates the server from the input logs with zero drift, three times in a row', async () => {
    // The game's server, as `serve` runs it: the sky host (its entity first), the mobs and backpacks (replaySession
    // runs their systems too).
    const { st, rec, hasher } = await gameStepper();
    const a = st.addClient(clientBot(1, 20), { latencyMs: 50, jitterMs: 10, loss: 0.05 });
    st.step(40);
    const b = st.addClient(clientBot(2, 20), { latencyMs: 50 });
    st.step(400);
    b.client.stop('leaving early');
    st.step(100);
    rec().finish(st.server.world);
    const blocks = rec().events.filter((e) => e.type === 'BlockChanged').length;
    expect(blocks).toBeGreaterThan(3); // the bots really built
    expect(rec().events.filter((e) => e.type === 'StateHash').length).toBeGreaterThan(20);

    // The logs survive a round trip through their JSONL form.
    const logs = new Map([...rec().inputs.keys()].map((c) => [c, parseInputLog(joinLines(rec().inputLogLines(c))).entries]));
    for (let run = 0; run < 3; run++) {
      const replay = replaySession(rec().info, logs, st.codec.hasher);
      const diff = diffEventStreams({ header: rec().header, events: rec().events }, { header: replay.header, events: replay.events });
      expect(diff.differences, `run ${run}`).toEqual([]);
      expect(stateHash(st.codec.hasher, replay.world)).toBe(stateHash(st.codec.hasher, st.server.world));
    }
    // And a replay with one input changed does drift.
    const tampered = new Map(logs);
    const entries = [...tampered.get(a.client.selfId)!];
    const i = entries.findIndex((e) => e.input.buttons !== 0);
    entries[i] = { ...entries[i], input: { ...entries[i].input, yaw: (entries[i].input.yaw + 300) % 1024 } };
    tampered.set(a.client.selfId, entries);
    const drifted = replaySession(rec().info, tampered, st.codec.hasher);
    expect(diffEventStreams({ header: rec().header, events: rec().events }, { header: drifted.header, events: drifted.events }).differences.length).toBeGreaterThan(0);
  });
});
