/**
 * Moving a live bridged session between shards on a real nats-server: a loopback client behind a gateway, two shards
 * A and B with recording sinks. The client's streams carry over (re-delivered with their header byte), a frame cut by
 * the move arrives whole and only at the new shard, the new shard's stream with a known header continues the
 * client's stream, datagrams, acks and heartbeats work on the new shard, the old shard's subject is dead, and the
 * session moves back and forth. Failures close only their session, with a reason naming the problem or the target.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downSubject, encodeBridgeMessage } from '../../../engine/cluster/bridge-wire.ts';
import {
  BRIDGE_MAX_HELD_DATAGRAMS, serveBridgedSessions, type BridgeMoveInfo,
} from '../../../engine/cluster/session-bridge.ts';
import {
  FAST_BRIDGE, bin, frame, latin1, record, startBridgeRig, stopBridgeRig, type BridgeRig, type RecordedSession,
} from '../../support/bridge-session.ts';
import { until } from '../../support/headless.ts';
import { skipNats } from '../../support/nats.ts';

const FAST = FAST_BRIDGE;
const enc = (s: string) => new TextEncoder().encode(s);
const WAIT = 10_000;

describe.skipIf(skipNats('session-move.test.ts'))('moving a bridged session between shards', () => {
  let rig: BridgeRig;
  let moves: BridgeMoveInfo[];
  /** Sessions each shard's sink received, by shard id. */
  let received: Record<string, RecordedSession[]>;

  beforeEach(async () => {
    moves = [];
    received = {};
    rig = await startBridgeRig(() => ({ onMove: (m) => moves.push(m) }));
  });

  afterEach(() => stopBridgeRig(rig));

  /** Shard `id` on its own connection, recording what its sink receives. */
  async function shard(id: string): Promise<RecordedSession[]> {
    const nc = await rig.nats.connect();
    const got: RecordedSession[] = (received[id] = []);
    const s = await serveBridgedSessions(nc, { shard: id, sink: (session) => got.push(record(session)), ...FAST });
    rig.stops.push(async () => { await s.close(); await nc.close(); });
    return got;
  }

  /** The session `at` of shard `id`, once its sink has it. */
  async function nth(id: string, at: number): Promise<RecordedSession> {
    await until(() => received[id].length > at, WAIT, `shard ${id}'s session ${at}`);
    return received[id][at];
  }

  it('carries streams, a half-written frame, datagrams, acks and heartbeats to B, and back to A, repeatedly', async () => {
    await shard('A');
    await shard('B');
    const c = await rig.connect();
    const a = await nth('A', 0);
    expect(a.session.resume).toBeUndefined();
    // The client's control stream (header 0) and a first frame; A answers on it and opens its chunk stream (header 2).
    const control = c.open('bidi');
    control.stream.write(bin(`\x00${frame('hello A')}`));
    await until(() => a.streams.length === 1 && a.streams[0].data === `\x00${frame('hello A')}`, WAIT, 'A to get the first frame');
    a.streams[0].stream.write(bin(frame('hi from A')));
    const aChunks = a.open('uni');
    aChunks.stream.write(bin(`\x02${frame('chunk 1')}`));
    await until(() => control.data === frame('hi from A') && c.streams.length === 2, WAIT, "the client to get A's answer and chunk stream");
    const chunks = c.streams[1];
    // Half a frame before the move: held by the gateway, not passed to A. (The datagram after it shows it was seen.)
    const split = bin(frame('the frame cut by the move'));
    control.stream.write(split.subarray(0, 9));
    c.session.sendDatagram(enc('before'));
    await until(() => a.datagrams.includes('before'), WAIT, 'A to get the datagram sent after the half frame');
    aChunks.stream.write(bin(frame('chunk 2')));
    a.session.moveTo!('B', enc('state for B'));
    aChunks.stream.write(bin(frame('written after moveTo: dropped')));
    a.session.sendDatagram(enc('after moveTo: dropped'));
    // The rest of the cut frame and one more, sent at once: they may reach A's subject after A finished; the gateway
    // learns from the move what A received and sends B the rest.
    control.stream.write(split.subarray(9));
    control.stream.write(bin(frame('in flight')));
    await until(() => a.closed !== undefined, WAIT, "A's end to finish");
    expect(a.closed).toEqual({ code: 0, reason: 'moved to B' });
    c.session.sendDatagram(enc('during'));

    const b = await nth('B', 0);
    expect(new TextDecoder().decode(b.session.resume)).toBe('state for B');
    const atB = `\x00${latin1(split)}${frame('in flight')}`;
    await until(() => b.streams.length === 1 && b.streams[0].data === atB && b.datagrams.includes('during'), WAIT,
      'B to get the control stream again, its header byte first, then the whole frames')
      .catch((e) => { throw new Error(`${(e as Error).message}: B has ${JSON.stringify(b.streams[0]?.data)}, A has ${JSON.stringify(a.streams[0].data)}`); });
    expect([b.streams[0].stream.kind, b.streams[0].stream.local]).toEqual(['bidi', false]);
    // A got the cut frame either not at all or whole (then B would have it twice, and does not).
    expect([`\x00${frame('hello A')}`, `\x00${frame('hello A')}${latin1(split)}`]).toContain(a.streams[0].data);
    expect(rig.bridged[0].shard).toBe('B');
    expect(moves).toEqual([{ from: 'A', to: 'B', ms: expect.any(Number), ok: true }]);
    expect(moves[0].ms).toBeGreaterThanOrEqual(0);

    // B continues the chunk stream (its header byte 2 is not passed on) and answers on the control stream.
    const bChunks = b.open('uni');
    bChunks.stream.write(bin(`\x02${frame('chunk 3')}`));
    b.streams[0].stream.write(bin(frame('hi from B')));
    b.session.sendDatagram(enc('from B'));
    await until(() => chunks.data.endsWith(frame('chunk 3')) && control.data.endsWith(frame('hi from B')) && c.datagrams.includes('from B'),
      WAIT, "B's chunk, answer and datagram");
    expect(chunks.data).toBe(`\x02${frame('chunk 1')}${frame('chunk 2')}${frame('chunk 3')}`);
    expect(c.streams.length).toBe(2); // no new client stream
    expect(c.datagrams).toEqual(['from B']);
    // Acks come back from the new shard's writes: its buffered bytes drain.
    await until(() => bChunks.stream.buffered === 0 && b.streams[0].stream.buffered === 0, WAIT, "B's writes to be acknowledged");
    // The old link's subject is dead: a message on it never reaches the client.
    const intruder = await rig.nats.connect();
    rig.stops.push(() => intruder.close());
    const firstKey = rig.bridged[0].key.replace(/-m1$/, '');
    intruder.publish(downSubject('g1', firstKey), encodeBridgeMessage({ op: 'datagram', bytes: enc('stale') }));

    // Back and forth: B to A, A to B, B to A; everything still flows each time.
    let from = b;
    let fromChunks = bChunks;
    const order = ['A', 'B', 'A'];
    for (let i = 0; i < order.length; i++) {
      const to = order[i];
      const seen = received[to].length;
      fromChunks.stream.write(bin(frame(`chunk ${4 + i}a`)));
      from.session.moveTo!(to, enc(`state ${i}`));
      const next = await nth(to, seen);
      expect(new TextDecoder().decode(next.session.resume)).toBe(`state ${i}`);
      control.stream.write(bin(frame(`to ${to} ${i}`)));
      c.session.sendDatagram(enc(`dg ${i}`));
      await until(() => next.streams.length === 1 && next.streams[0].data === `\x00${frame(`to ${to} ${i}`)}` && next.datagrams.includes(`dg ${i}`),
        WAIT, `shard ${to} (move ${i + 2}) to get the control stream, a frame and a datagram`);
      const nextChunks = next.open('uni');
      nextChunks.stream.write(bin(`\x02${frame(`chunk ${4 + i}b`)}`));
      next.session.sendDatagram(enc(`back ${i}`));
      await until(() => chunks.data.endsWith(`${frame(`chunk ${4 + i}a`)}${frame(`chunk ${4 + i}b`)}`) && c.datagrams.includes(`back ${i}`),
        WAIT, `the client to get shard ${to}'s chunk (move ${i + 2})`);
      expect(rig.bridged[0].shard).toBe(to);
      expect(from.closed).toEqual({ code: 0, reason: `moved to ${to}` });
      from = next;
      fromChunks = nextChunks;
    }
    expect(moves.map((m) => `${m.from}>${m.to}:${m.ok}`)).toEqual(['A>B:true', 'B>A:true', 'A>B:true', 'B>A:true']);
    expect(c.streams.length).toBe(2);
    expect(c.datagrams).not.toContain('stale');
    expect(c.datagrams).not.toContain('after moveTo: dropped');
    expect(chunks.data).not.toContain('dropped');
    // Heartbeats on the latest link keep the idle session open well past the timeout.
    await new Promise((r) => setTimeout(r, 3 * FAST.timeoutMs));
    expect(c.closed).toBeUndefined();
    expect(from.closed).toBeUndefined();
    c.session.close({ code: 0, reason: 'player quit' });
    await until(() => from.closed !== undefined, WAIT, 'the last shard to hear the close');
    expect(from.closed).toEqual({ code: 0, reason: 'player quit' });
  }, 30_000);

  it('client data in flight when the shard moves reaches the new shard: nothing lost, nothing twice, frames whole', async () => {
    // A moves the session as soon as it has the first frame, while the rest of the same write (one chunk, split into
    // several NATS messages) and later writes are still on their way to it.
    const first = frame('first');
    let atA = '';
    const nc = await rig.nats.connect();
    const a = await serveBridgedSessions(nc, {
      shard: 'A', ...FAST,
      sink: (session) => session.setHandlers({
        onDatagram() {}, onClose() {},
        onStream: (st) => st.setHandlers({
          onEnd() {},
          onData: (b) => {
            atA += latin1(b);
            if (atA.length >= 1 + first.length && session.moveTo) session.moveTo('B', enc('s'));
          },
        }),
      }),
    });
    rig.stops.push(async () => { await a.close(); await nc.close(); });
    await shard('B');
    const c = await rig.connect();
    const control = c.open('bidi');
    const big = frame('y'.repeat(40_000)); // the chunk is over 32 KiB: published as two messages
    const later = Array.from({ length: 20 }, (_, i) => frame(`later ${i}`));
    control.stream.write(bin(`\x00${first}${big}`));
    for (const f of later) control.stream.write(bin(f));
    const b = await nth('B', 0);
    const all = `\x00${first}${big}${later.join('')}`;
    await until(() => atA.length + (b.streams[0]?.data.length ?? 0) >= all.length, WAIT, 'A and B together to get everything');
    await new Promise((r) => setTimeout(r, 200)); // and nothing more
    const tail = b.streams[0].data.slice(1); // after the re-delivered header byte
    expect(b.streams[0].data[0]).toBe('\x00');
    // A's whole frames, then B's, are the client's stream exactly once; B starts on a frame boundary.
    const wholeAtA = atA.slice(0, all.length - tail.length);
    expect(wholeAtA + tail).toBe(all);
    expect(tail.startsWith(big) || later.some((f) => tail.startsWith(f))).toBe(true);
    expect(tail.length).toBeGreaterThanOrEqual(big.length); // A stopped inside the big frame at the latest
  });

  it('holds what the client sends while the target answers, then passes it on in order; held datagrams are bounded', async () => {
    await shard('A');
    await shard('B');
    // Shard "slow" is B behind a proxy that answers opens only when released and forwards the up subjects.
    const proxy = await rig.nats.connect();
    rig.stops.push(() => proxy.close());
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    proxy.subscribe('stratum.sess.slow.open', {
      callback: (_e, msg) => void released.then(async () => msg.respond((await proxy.request('stratum.sess.B.open', msg.data, { timeout: 2000 })).data)),
    });
    proxy.subscribe('stratum.sess.slow.*.up', { callback: (_e, msg) => proxy.publish(msg.subject.replace('.slow.', '.B.'), msg.data) });
    await proxy.flush();
    const c = await rig.connect();
    const a = await nth('A', 0);
    const control = c.open('bidi');
    control.stream.write(bin(`\x00${frame('on A')}`));
    await until(() => a.streams[0]?.data === `\x00${frame('on A')}`, WAIT, 'A to get the first frame');
    a.session.moveTo!('slow', enc('s'));
    await until(() => rig.bridged[0].shard === 'slow', WAIT, 'the gateway to start the move');
    // While the open waits: frames on the old stream, a new stream, more datagrams than are held.
    const during = Array.from({ length: 10 }, (_, i) => frame(`held ${i}`));
    for (const f of during) control.stream.write(bin(f));
    const extra = c.open('uni');
    extra.stream.write(bin(`\x07${frame('new stream')}`));
    for (let i = 0; i < BRIDGE_MAX_HELD_DATAGRAMS + 10; i++) c.session.sendDatagram(enc(`d${i}`));
    await new Promise((r) => setTimeout(r, 100));
    expect(received.B.length).toBe(0);
    release();
    const b = await nth('B', 0);
    await until(() => b.streams.length === 2 && b.streams[1].data === `\x07${frame('new stream')}` && b.streams[0].data === `\x00${during.join('')}`
      && b.datagrams.length === BRIDGE_MAX_HELD_DATAGRAMS, WAIT, 'B to get what was held');
    expect(b.datagrams).toEqual(Array.from({ length: BRIDGE_MAX_HELD_DATAGRAMS }, (_, i) => `d${i}`));
    expect(b.streams.map((s) => [s.stream.kind, s.stream.local])).toEqual([['bidi', false], ['uni', false]]);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.datagrams.length).toBe(BRIDGE_MAX_HELD_DATAGRAMS); // the rest were dropped
    expect(moves).toEqual([{ from: 'A', to: 'slow', ms: expect.any(Number), ok: true }]);
  });

  it('a bad frame length closes only that session', async () => {
    await shard('A');
    const c1 = await rig.connect();
    const c2 = await rig.connect();
    const [s1, s2] = [await nth('A', 0), await nth('A', 1)];
    c1.open('bidi').stream.write(Uint8Array.of(0, 0xff, 0xff, 0xff, 0xff));
    await until(() => c1.closed !== undefined && s1.closed !== undefined, WAIT, 'the first session to close on both ends');
    expect(c1.closed).toEqual({ code: 1, reason: 'client stream 0: frame length 4294967295 is not in 1..1048576' });
    expect(s1.closed).toEqual(c1.closed);
    c2.open('bidi').stream.write(bin(`\x04${frame('still here')}`));
    await until(() => s2.streams.length === 1 && s2.streams[0].data === `\x04${frame('still here')}`, WAIT, 'the second session to relay');
    expect(c2.closed).toBeUndefined();
  });

  it('a move to a shard that does not answer, is not there or refuses closes the client naming it; onMove says so', async () => {
    await shard('A');
    const mute = await rig.nats.connect();
    rig.stops.push(() => mute.close());
    mute.subscribe('stratum.sess.mute.open', { callback: () => {} }); // hears opens, never answers
    await mute.flush();
    const c1 = await rig.connect();
    (await nth('A', 0)).session.moveTo!('mute', enc('s'));
    await until(() => c1.closed !== undefined, WAIT, 'the client to be closed');
    expect(c1.closed).toEqual({ code: 1, reason: `shard mute did not answer the session open within ${FAST.openTimeoutMs} ms` });
    expect(rig.bridged[0].shard).toBe('mute');
    expect(await rig.bridged[0].closed).toEqual(c1.closed);
    const c2 = await rig.connect();
    (await nth('A', 1)).session.moveTo!('nobody', enc('s'));
    await until(() => c2.closed !== undefined, WAIT, 'the second client to be closed');
    expect(c2.closed!.reason).toMatch(/^shard nobody (is not serving sessions \(no responders\)|did not answer the session open within 500 ms)$/);
    // A target that refuses: its timeout is too short for the gateway's heartbeat.
    const pickyNc = await rig.nats.connect();
    const picky = await serveBridgedSessions(pickyNc, { shard: 'picky', sink: () => {}, heartbeatMs: 50, timeoutMs: 150 });
    rig.stops.push(async () => { await picky.close(); await pickyNc.close(); });
    const c3 = await rig.connect();
    (await nth('A', 2)).session.moveTo!('picky', enc('s'));
    await until(() => c3.closed !== undefined, WAIT, 'the third client to be closed');
    expect(c3.closed).toEqual({ code: 1, reason: "gateway heartbeat 100 ms is too slow for shard picky's timeoutMs 150" });
    expect(picky.open).toBe(0);
    expect(moves.map((m) => `${m.from}>${m.to}:${m.ok}`)).toEqual(['A>mute:false', 'A>nobody:false', 'A>picky:false']);
  });

  it('what the client sends during a move is bounded: too many stream bytes close the session', async () => {
    await shard('A');
    const mute = await rig.nats.connect();
    rig.stops.push(() => mute.close());
    mute.subscribe('stratum.sess.mute.open', { callback: () => {} });
    await mute.flush();
    const c = await rig.connect();
    const a = await nth('A', 0);
    const control = c.open('bidi');
    control.stream.write(Uint8Array.of(0));
    await until(() => a.streams.length === 1, WAIT, 'A to get the stream');
    a.session.moveTo!('mute', enc('s'));
    await until(() => rig.bridged[0].shard === 'mute', WAIT, 'the gateway to start the move');
    control.stream.write(bin(frame('x'.repeat(70_000))));
    await until(() => c.closed !== undefined, WAIT, 'the client to be closed');
    expect(c.closed).toEqual({ code: 1, reason: '70004 bytes held while moving to shard mute (limit 65536)' });
  });

  it('a malformed move from a shard closes that session only', async () => {
    await shard('A');
    const c1 = await rig.connect();
    const c2 = await rig.connect();
    await nth('A', 1);
    await rig.bridged[0].accepted;
    const intruder = await rig.nats.connect();
    rig.stops.push(() => intruder.close());
    const packed = encodeBridgeMessage({ op: 'move', target: 'no way', state: new Uint8Array(1), received: [] });
    intruder.publish(downSubject('g1', rig.bridged[0].key), packed);
    await until(() => c1.closed !== undefined, WAIT, 'the first client to be closed');
    expect(c1.closed).toEqual({ code: 1, reason: 'malformed message from shard A: bad move target "no way"' });
    expect(received.A[0].closed).toEqual(c1.closed);
    c2.session.sendDatagram(enc('fine'));
    await until(() => received.A[1].datagrams.includes('fine'), WAIT, 'the second session to relay');
    expect(c2.closed).toBeUndefined();
  });
});

