/**
 * Sessions that never say Hello but keep pinging, over real WebTransport in real time, while an honest observer plays:
 * the server holds at most its per-address limit of them and closes each one 10 s after accepting it (the production
 * deadline: the game server does not expose a shorter one, so this case takes about 12 s).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_SESSIONS_PER_ADDRESS, HELLO_TIMEOUT_MS } from '../../engine/net/server.ts';
import { encodeFrame } from '../../engine/protocol/framing.ts';
import { MsgType } from '../../engine/protocol/messages.ts';
import { expectSurvived, startHostileRig, waitUntil, type HostileRig } from '../support/hostile-rig.ts';
import { openRawSession, type RawSession } from '../support/raw-session.ts';

const SESSIONS = 200;
const PING_EVERY_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let rig: HostileRig;
beforeEach(async () => { rig = await startHostileRig(); });
afterEach(async () => { await rig?.close(); });

describe('sessions that never say Hello', () => {
  it(`${SESSIONS} sessions pinging every 3 s: at most the per-address limit held, each closed ${HELLO_TIMEOUT_MS / 1000} s after it opened`, async () => {
    const ping = encodeFrame([{ type: MsgType.Ping, nonce: 1, sentMs: 0 }]);
    const sessions: RawSession[] = [];
    let mostOpen = 0, failedToOpen = 0;
    const f = await rig.measure('silent sessions', async () => {
      const watch = setInterval(() => { mostOpen = Math.max(mostOpen, rig.server.net.open); }, 20);
      const pinger = setInterval(() => { for (const s of sessions) if (s.closed === undefined) s.control.write(ping); }, PING_EVERY_MS);
      try {
        for (let w = 0; w < SESSIONS / 25; w++) {
          const wave = await Promise.allSettled(Array.from({ length: 25 }, () => openRawSession(rig.connect)));
          for (const r of wave) {
            if (r.status === 'rejected') { failedToOpen++; continue; } // refused before the session was ready
            r.value.control.write(ping);
            sessions.push(r.value);
          }
        }
        await waitUntil(() => sessions.every((s) => s.closed !== undefined), 'every silent session to be closed', HELLO_TIMEOUT_MS + 5000);
      } finally {
        clearInterval(watch);
        clearInterval(pinger);
      }
    });
    const held = sessions.filter((s) => /no valid Hello/.test(s.closed!));
    const refused = sessions.filter((s) => /too many sessions from/.test(s.closed!));
    expect(held.length + refused.length + failedToOpen).toBe(SESSIONS);
    // Some were held until the deadline, the rest refused at once: never more open than the limit (the observer's
    // session, from the same address, counts too).
    expect(held.length).toBeGreaterThan(0);
    expect(mostOpen).toBeLessThanOrEqual(DEFAULT_MAX_SESSIONS_PER_ADDRESS);
    for (const s of held) {
      // Accepted a little after the client's open, so closed no sooner than the deadline; 2 s of slack for load.
      expect(s.closedAt - s.openedAt).toBeGreaterThan(HELLO_TIMEOUT_MS - 100);
      expect(s.closedAt - s.openedAt).toBeLessThan(HELLO_TIMEOUT_MS + 2000);
    }
    console.log(`[hostile] silent sessions: ${held.length} held until the deadline, ${refused.length} refused at once, ${failedToOpen} failed to open; at most ${mostOpen} open`);
    await sleep(100);
    expect(rig.server.net.open).toBe(1);
    await expectSurvived(rig, f);
  });
});
