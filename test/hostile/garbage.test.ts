/**
 * Garbage on every kind of stream and in datagrams, over real WebTransport in real time, while an honest observer
 * plays: random bytes, frames of random bytes, frames of random msgpack after a type byte, well-formed messages of
 * every type wherever they land, oversized and unfinished frames; on the control, chat and diagnostics streams, on
 * streams with any header byte, on unidirectional streams, before and after the Hello. The plans come from
 * fast-check with a fixed seed, so a failure is repeatable.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Channel } from '../../engine/net/channels.ts';
import { packr } from '../../engine/protocol/codec.ts';
import { encodeFrame } from '../../engine/protocol/framing.ts';
import { expectSurvived, startHostileRig, waitUntil, type HostileRig } from '../support/hostile-rig.ts';
import { messageArb } from '../support/message-arbitraries.ts';
import { joinRawSession, openRawSession, type RawSession } from '../support/raw-session.ts';

const SEED = 20_261_130;
const PLANS = 96;
/** Garbage sessions at once: the per-address limit (8) less the observer and the honest client checked at the end. */
const AT_ONCE = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `body` behind a length prefix that matches it. */
function framed(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

/** A well-formed frame of one message, or noise when the message does not fit a frame. */
const messageFrame = messageArb.map((m) => { try { return encodeFrame([m]); } catch { return Uint8Array.of(0); } });

/** Bytes for a stream. */
const streamGarbage = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 4096 }),
  fc.uint8Array({ minLength: 1, maxLength: 2048 }).map(framed),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.jsonValue()).map(([type, v]) => framed(Uint8Array.from([type, ...packr.pack(v)]))),
  messageFrame,
  fc.integer({ min: (1 << 20) + 1, max: 0xffff_ffff }).map((n) => { const b = new Uint8Array(8); new DataView(b.buffer).setUint32(0, n); return b; }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => framed(b).subarray(0, 4 + (b.length >> 1))), // never finished
);

/** Bytes for a datagram (some over the 1,200-byte limit). */
const datagramGarbage = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 1400 }),
  fc.uint8Array({ minLength: 1, maxLength: 1196 }).map(framed),
  messageFrame,
);

/** What one garbage session sends. */
const planArb = fc.record({
  /** Says Hello first (and waits for the Welcome), so the garbage meets an active session. */
  hello: fc.boolean(),
  /** Garbage on the control stream. */
  control: fc.array(streamGarbage, { maxLength: 2 }),
  /** Further streams: bidi with a header byte (the client's channels more likely), or now and then uni. */
  streams: fc.array(fc.record({
    uni: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    header: fc.oneof({ arbitrary: fc.constantFrom(Channel.Chat, Channel.Diagnostics), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 1 }),
    chunks: fc.array(streamGarbage, { minLength: 1, maxLength: 3 }),
  }), { maxLength: 3 }),
  datagrams: fc.array(datagramGarbage, { maxLength: 4 }),
});
type Plan = typeof planArb extends fc.Arbitrary<infer P> ? P : never;

/** Runs one plan; resolves with the server's close reason, or undefined when the server left the session open. */
async function runPlan(rig: HostileRig, plan: Plan, name: string): Promise<string | undefined> {
  const raw: RawSession = plan.hello ? await joinRawSession(rig.connect, rig.identity, name) : await openRawSession(rig.connect);
  for (const c of plan.control) raw.control.write(c);
  for (const s of plan.streams) {
    const stream = raw.session.openStream(s.uni ? 'uni' : 'bidi');
    stream.write(Uint8Array.of(s.header));
    for (const c of s.chunks) stream.write(c);
  }
  for (const d of plan.datagrams) raw.session.sendDatagram(d);
  await Promise.race([raw.whenClosed, sleep(400)]);
  const reason = raw.closed;
  raw.close('plan done');
  return reason;
}

let rig: HostileRig;
beforeEach(async () => { rig = await startHostileRig(); });
afterEach(async () => { await rig?.close(); });

describe('garbage', () => {
  it(`${PLANS} sessions of seeded garbage on every stream kind and in datagrams`, async () => {
    const plans = fc.sample(planArb, { seed: SEED, numRuns: PLANS });
    const reasons: Array<string | undefined> = [];
    const f = await rig.measure('garbage', async () => {
      for (let i = 0; i < plans.length; i += AT_ONCE) {
        reasons.push(...await Promise.all(plans.slice(i, i + AT_ONCE).map((p, k) => runPlan(rig, p, `g${i + k}`))));
      }
    });
    const kinds = new Map<string, number>();
    for (const r of reasons) {
      const kind = r === undefined ? 'left open' : r.split(':')[0];
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    console.log(`[hostile] garbage: server closed ${reasons.filter((r) => r !== undefined).length}/${PLANS}: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    // A session closed for an error of the server's own handler ("closed: error: internal error ...") is a bug.
    expect(rig.logs.filter((l) => /closed: error:/.test(l))).toEqual([]);
    // Every garbage session is gone (closed by the server, or by the attacker and noticed): only the observer stays.
    await waitUntil(() => rig.server.net.open === 1, 'the garbage sessions to be gone', 5000);
    await expectSurvived(rig, f);
  });
});
