import { describe, expect, it } from 'vitest';
import { crowdBot, type CrowdArea } from '../../game/client/crowd-bot.ts';
import { readBox, type Box } from '../../engine/server/area-blocks.ts';
import { clientTotals, createSoakTally, formatRefused, phantomCells, watchClient } from '../../bench/soak-tally.ts';
import { createStepper, type StepperClient } from '../support/stepper.ts';

/** The area of the soak: 8 x 8 around the spawn point, across four columns. */
const AREA: CrowdArea = { x0: -4, z0: -4, size: 8, ground: 7 };
const BOX: Box = { x0: AREA.x0 - 2, y0: 0, z0: AREA.z0 - 2, x1: AREA.x0 + AREA.size + 2, y1: 64, z1: AREA.z0 + AREA.size + 2 };

/** The short soak on the loopback stepper: `bots` crowding builders for `seconds` of simulated time. */
async function soak(bots: number, seconds: number, budgetBytesPerSecond?: number) {
  const st = await createStepper({ budgetBytesPerSecond });
  const tally = createSoakTally();
  let acting = true;
  const clients: StepperClient[] = [];
  for (let i = 1; i <= bots; i++) {
    const c = st.addClient(crowdBot(1000 + i, AREA, () => acting), { latencyMs: 40, jitterMs: 10, loss: 0.02 }, i);
    watchClient(tally, `p${i}`, c.client.bus);
    clients.push(c);
  }
  st.step(20 * seconds);
  acting = false;
  // Every answer and section update lands: the server's queues drain (a short budget takes a while), then a second.
  const busy = () => [...st.server.players.values()].some((p) => p.pendingDiffs.length > 0) || clients.some((c) => c.client.pending.size > 0);
  for (let i = 0; i < 20 * 120 && busy(); i++) st.step(1);
  st.step(20);
  const server = readBox(st.server.world.voxels, BOX);
  const phantoms = clients.flatMap((c, i) => phantomCells(`p${i + 1}`, BOX, readBox(c.client.world.voxels, BOX), server));
  return { st, tally, phantoms, totals: clientTotals(clients.map((c) => c.client)), clients };
}

describe('block soak on the stepper (short version of stratum bench soak)', () => {
  it('20 crowding builders, 60 simulated seconds in one 8 x 8 area: no disconnect, no phantom block, no resync', async () => {
    const { st, tally, phantoms, totals } = await soak(20, 60);
    console.log(`soak 20 bots 60 s: actions ${totals.actions}; results: confirmed ${tally.confirmed}, refused ${formatRefused(tally.refused)}; resyncs ${totals.resyncs}, unanswered ${totals.unanswered}; edits stored ${st.server.counters.editsStored}`);
    expect(tally.disconnects).toEqual([]);
    expect(phantoms).toEqual([]);
    expect(tally.resyncs).toEqual([]);
    expect(totals.unanswered).toBe(0);
    expect(totals.pending).toBe(0);
    // It did crowd and build: many edits, and the refusals the phantom came from.
    expect(st.server.counters.editsStored).toBeGreaterThan(1000);
    expect(tally.refused['into-player'] ?? 0).toBeGreaterThan(20);
    expect(st.server.players.size).toBe(20);
  });
});

describe('block soak on the stepper, short of bandwidth', () => {
  it('8 crowding builders for 30 s on a 2.5 KB/s budget (section updates and results wait in the queue): views still exact', async () => {
    const { st, tally, phantoms, totals } = await soak(8, 30, 2500);
    const players = [...st.server.players.values()];
    const queued = players.reduce((a, p) => a + p.metrics.resultsQueued, 0);
    console.log(`soak 8 bots 30 s at 2.5 KB/s: actions ${totals.actions}; results: confirmed ${tally.confirmed}, refused ${formatRefused(tally.refused)}; unanswered ${totals.unanswered}; block results queued behind updates ${queued}`);
    expect(queued).toBeGreaterThan(0); // the budget did bite
    expect(tally.disconnects).toEqual([]);
    expect(phantoms).toEqual([]);
    expect(tally.resyncs).toEqual([]);
    expect(totals.unanswered).toBe(0); // answers came late, but in order: the safety net never fired
    expect(totals.pending).toBe(0);
  });
});
