/**
 * Fail-over of a bridged session on a real nats-server: a loopback client behind a gateway, shards A and B with
 * recording sinks. A leaves checkpoints; when A dies (its NATS connection closed: it just goes silent), stops, or
 * the gateway's owner calls `shardLost()`, the gateway asks its `reattach` hook for the region's new owner and
 * re-opens the session on B with `resume` = A's last checkpoint. The client's streams are re-delivered with their
 * header bytes, client data written during the outage reaches B whole and in order, B continues A's streams, and
 * the client is never closed. Without a checkpoint, when the hook gives up, or when the shard left a stream in the
 * middle of a frame, the client is closed with a reason.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downSubject, encodeBridgeMessage } from '../../../engine/cluster/bridge-wire.ts';
import {
  BRIDGE_MAX_STATE, serveBridgedSessions, type BridgeReattachInfo,
  type BridgeSessionOptions,
} from '../../../engine/cluster/session-bridge.ts';
import {
  FAST_BRIDGE, bin, frame, latin1, record, startBridgeRig, stopBridgeRig, type BridgeRig, type RecordedSession,
} from '../../support/bridge-session.ts';
import { until } from '../../support/headless.ts';
import { skipNats } from '../../support/nats.ts';

const FAST = FAST_BRIDGE;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const WAIT = 10_000;

/** A shard under test: what its sink received, and two ways to end it. */
interface TestShard {
  /** Sessions its sink received, in order. */
  got: RecordedSession[];
  /** Dies without a word: its NATS connection is closed, so it goes silent. */
  kill(): Promise<void>;
  /** Stops as a shard does on shutdown: its bridge server closes every session ("shard stopped"). */
  stop(): Promise<void>;
}

describe.skipIf(skipNats('session-reattach.test.ts'))('re-attaching a bridged session when its shard is lost', () => {
  let rig: BridgeRig;
  let reattaches: BridgeReattachInfo[];
  let hookCalls: Array<[string, string]>;
  /** What the hook answers (default: shard B at once). */
  let answer: () => Promise<string | undefined>;
  /** Gateway options of the sessions accepted next. */
  let gw: Partial<BridgeSessionOptions>;

  beforeEach(async () => {
    reattaches = [];
    hookCalls = [];
    answer = async () => 'B';
    gw = {};
    rig = await startBridgeRig(() => ({
      reattach: (region, dead) => { hookCalls.push([region, dead]); return answer(); },
      onReattach: (info) => reattaches.push(info),
      ...gw,
    }));
  });

  afterEach(() => stopBridgeRig(rig));

  /** Shard `id` on its own connection, recording what its sink receives. */
  async function shard(id: string): Promise<TestShard> {
    const nc = await rig.nats.connect();
    const got: RecordedSession[] = [];
    const s = await serveBridgedSessions(nc, { shard: id, sink: (session) => got.push(record(session)), ...FAST });
    let done = false;
    const finish = async (how: () => Promise<void>) => {
      if (done) return;
      done = true;
      await how();
    };
    rig.stops.push(() => finish(async () => { await s.close(); await nc.close(); }));
    return { got, kill: () => finish(() => nc.close()), stop: () => finish(() => s.close()) };
  }

  /** The session `at` of `s`, once its sink has it. */
  async function nth(s: TestShard, at: number, name: string): Promise<RecordedSession> {
    await until(() => s.got.length > at, WAIT, `${name}'s session ${at}`);
    return s.got[at];
  }

  /** A client on A with a control stream (header 0) A answered on, and A's chunk stream (header 2) with one chunk. */
  async function liveOnA(A: TestShard) {
    const c = await rig.connect();
    const a = await nth(A, A.got.length, 'A');
    const control = c.open('bidi');
    control.stream.write(bin(`\x00${frame('hello A')}`));
    await until(() => a.streams[0]?.data === `\x00${frame('hello A')}`, WAIT, 'A to get the first frame');
    a.streams[0].stream.write(bin(frame('hi from A')));
    const aChunks = a.open('uni');
    aChunks.stream.write(bin(`\x02${frame('chunk 1')}`));
    await until(() => control.data === frame('hi from A') && c.streams.length === 2, WAIT, "the client to get A's answer and chunk stream");
    return { c, a, control, chunks: c.streams[1] };
  }

  /** A checkpoints, then sends a datagram: once the client has it, the gateway has the checkpoint. */
  async function checkpoint(c: RecordedSession, a: RecordedSession, region: string, state: string): Promise<void> {
    a.session.checkpoint!(region, enc(state));
    a.session.sendDatagram(enc(`after ${state}`));
    await until(() => c.datagrams.includes(`after ${state}`), WAIT, `the gateway to have checkpoint ${state}`);
  }

  it("A dies: the session re-opens on B from A's last checkpoint; outage data reaches B whole and in order; the client stays", async () => {
    const A = await shard('A');
    const B = await shard('B');
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    answer = async () => { await released; return 'B'; }; // as if waiting for A's leases to expire
    const { c, control, chunks, a } = await liveOnA(A);
    await checkpoint(c, a, 'r-0_0', 'cp 1');
    await checkpoint(c, a, 'r-0_0', 'cp 2');
    const split = bin(frame('cut by the death'));
    control.stream.write(split.subarray(0, 7)); // half a frame: the gateway holds it
    await A.kill();
    // Before the gateway notices (A's subject has no listener any more) and while the hook waits.
    control.stream.write(split.subarray(7));
    control.stream.write(bin(frame('during 1')));
    await until(() => hookCalls.length === 1, WAIT, 'the gateway to ask the hook');
    expect(hookCalls).toEqual([['r-0_0', 'A']]);
    control.stream.write(bin(frame('during 2')));
    const extra = c.open('uni');
    extra.stream.write(bin(`\x07${frame('new stream')}`));
    c.session.sendDatagram(enc('during'));
    await new Promise((r) => setTimeout(r, 100));
    expect(B.got.length).toBe(0);
    expect(c.closed).toBeUndefined();
    release();

    const b = await nth(B, 0, 'B');
    expect(dec(b.session.resume)).toBe('cp 2');
    const atB = `\x00${latin1(split)}${frame('during 1')}${frame('during 2')}`;
    await until(() => b.streams.length === 2 && b.streams[0].data === atB && b.streams[1].data === `\x07${frame('new stream')}`
      && b.datagrams.includes('during'), WAIT, 'B to get the control stream again (header first), the outage frames, the new stream')
      .catch((e) => { throw new Error(`${(e as Error).message}: B has ${JSON.stringify(b.streams.map((s) => s.data))}`); });
    expect(b.streams.map((s) => [s.stream.kind, s.stream.local])).toEqual([['bidi', false], ['uni', false]]);
    expect(reattaches).toEqual([{ from: 'A', to: 'B', ms: expect.any(Number), ok: true }]);
    expect(reattaches[0].ms).toBeGreaterThanOrEqual(0);
    expect(rig.bridged[0].shard).toBe('B');

    // B continues A's chunk stream (by its header byte) and answers on the control stream.
    const bChunks = b.open('uni');
    bChunks.stream.write(bin(`\x02${frame('chunk 2')}`));
    b.streams[0].stream.write(bin(frame('hi from B')));
    await until(() => chunks.data.endsWith(frame('chunk 2')) && control.data.endsWith(frame('hi from B')), WAIT, "B's chunk and answer");
    expect(chunks.data).toBe(`\x02${frame('chunk 1')}${frame('chunk 2')}`);
    expect(c.streams.length).toBe(3); // control, chunks, extra: no new one
    // A's old link is dead: a message on it never reaches the client.
    const intruder = await rig.nats.connect();
    rig.stops.push(() => intruder.close());
    intruder.publish(downSubject('g1', rig.bridged[0].key.replace(/-m1$/, '')), encodeBridgeMessage({ op: 'datagram', bytes: enc('stale') }));
    // Heartbeats on the new link keep the idle session open well past the timeout.
    await new Promise((r) => setTimeout(r, 3 * FAST.timeoutMs));
    expect(c.closed).toBeUndefined();
    expect(b.closed).toBeUndefined();
    expect(c.datagrams).not.toContain('stale');
    expect(hookCalls.length).toBe(1);
    c.session.close({ code: 0, reason: 'player quit' });
    await until(() => b.closed !== undefined, WAIT, 'B to hear the close');
    expect(b.closed).toEqual({ code: 0, reason: 'player quit' });
  }, 30_000);

  it('shardLost() re-attaches without waiting for the heartbeat timeout; a second call is a no-op', async () => {
    gw = { timeoutMs: 60_000 }; // silence alone would take a minute
    const A = await shard('A');
    const B = await shard('B');
    const { c, a, control } = await liveOnA(A);
    await checkpoint(c, a, 'r-1_2', 'lease cp');
    await A.kill();
    rig.bridged[0].shardLost();
    rig.bridged[0].shardLost();
    control.stream.write(bin(frame('after the loss')));
    const b = await nth(B, 0, 'B');
    expect(dec(b.session.resume)).toBe('lease cp');
    await until(() => b.streams[0]?.data === `\x00${frame('after the loss')}`, WAIT, 'B to get the control stream and the frame');
    expect(hookCalls).toEqual([['r-1_2', 'A']]);
    expect(reattaches.map((r) => `${r.from}>${r.to}:${r.ok}`)).toEqual(['A>B:true']);
    expect(c.closed).toBeUndefined();
  });

  it('A stopping (its bridge server closes its sessions) re-attaches too', async () => {
    const A = await shard('A');
    const B = await shard('B');
    const { c, a } = await liveOnA(A);
    await checkpoint(c, a, 'r-0_0', 'before stop');
    await A.stop();
    const b = await nth(B, 0, 'B');
    expect(dec(b.session.resume)).toBe('before stop');
    await until(() => b.streams[0]?.data === '\x00', WAIT, "B to get the client's control stream");
    expect(reattaches.map((r) => `${r.from}>${r.to}:${r.ok}`)).toEqual(['A>B:true']);
    expect(c.closed).toBeUndefined();
  });

  it('without a checkpoint the client is closed as before: silent shard, stopped shard; the hook is not asked', async () => {
    const A1 = await shard('A');
    const c1 = await rig.connect();
    await nth(A1, 0, 'A');
    await A1.stop();
    await until(() => c1.closed !== undefined, WAIT, 'the first client to be closed');
    expect(c1.closed).toEqual({ code: 0, reason: 'shard stopped' });
    const A2 = await shard('A');
    const c2 = await rig.connect();
    await nth(A2, 0, 'A');
    await A2.kill();
    await until(() => c2.closed !== undefined, WAIT, 'the second client to be closed');
    expect(c2.closed).toEqual({ code: 1, reason: `shard A went silent (nothing for over ${FAST.timeoutMs} ms)` });
    expect(hookCalls).toEqual([]);
    expect(reattaches).toEqual([]);
  });

  it('a hook that gives up closes the client with a reason naming the region; onReattach says so', async () => {
    answer = async () => undefined;
    const A = await shard('A');
    const { c, a } = await liveOnA(A);
    await checkpoint(c, a, 'r-3_4', 'cp');
    await A.kill();
    await until(() => c.closed !== undefined, WAIT, 'the client to be closed');
    expect(c.closed).toEqual({ code: 1, reason: `shard A went silent (nothing for over ${FAST.timeoutMs} ms); no shard took over region r-3_4` });
    expect(await rig.bridged[0].closed).toEqual(c.closed);
    expect(reattaches).toEqual([{ from: 'A', to: '', ms: expect.any(Number), ok: false }]);
  });

  it('a shard lost in the middle of a frame it was writing is not re-attached: the client is closed naming the stream', async () => {
    const A = await shard('A');
    await shard('B');
    const { c, a, chunks } = await liveOnA(A);
    const half = bin(frame('a chunk the shard died writing')).subarray(0, 10);
    a.streams[1].stream.write(half); // A's chunk stream (id 1): a write cut short, as by a death between two messages
    await checkpoint(c, a, 'r-0_0', 'cp');
    expect(chunks.data).toBe(`\x02${frame('chunk 1')}${latin1(half)}`);
    await A.kill();
    await until(() => c.closed !== undefined, WAIT, 'the client to be closed');
    expect(c.closed).toEqual({
      code: 1,
      reason: `shard A went silent (nothing for over ${FAST.timeoutMs} ms); it left stream 1 in the middle of a frame, so the session cannot be re-attached`,
    });
    expect(hookCalls).toEqual([]);
    expect(reattaches).toEqual([{ from: 'A', to: '', ms: expect.any(Number), ok: false }]);
  });

  it('what the client sends during a re-attach is bounded: too many stream bytes close the session', async () => {
    answer = () => new Promise(() => {}); // never answers
    const A = await shard('A');
    const { c, a, control } = await liveOnA(A);
    await checkpoint(c, a, 'r-0_0', 'cp');
    await A.kill();
    await until(() => hookCalls.length === 1, WAIT, 'the gateway to ask the hook');
    control.stream.write(bin(frame('x'.repeat(70_000))));
    await until(() => c.closed !== undefined, WAIT, 'the client to be closed');
    expect(c.closed).toEqual({ code: 1, reason: '70004 bytes held while re-attaching from shard A (limit 65536)' });
  });

  it('a malformed checkpoint closes that session only; a bad checkpoint call names the argument', async () => {
    const A = await shard('A');
    const c1 = await rig.connect();
    const c2 = await rig.connect();
    const s1 = await nth(A, 0, 'A');
    const s2 = await nth(A, 1, 'A');
    await rig.bridged[0].accepted;
    expect(() => s1.session.checkpoint!('r.1', enc('s'))).toThrow("checkpoint region must be 1..64 characters of letters, digits, '_' or '-', got 'r.1'");
    expect(() => s1.session.checkpoint!('r-0_0', new Uint8Array(BRIDGE_MAX_STATE + 1)))
      .toThrow(`checkpoint state must be at most ${BRIDGE_MAX_STATE} bytes, got ${BRIDGE_MAX_STATE + 1}`);
    const intruder = await rig.nats.connect();
    rig.stops.push(() => intruder.close());
    intruder.publish(downSubject('g1', rig.bridged[0].key), encodeBridgeMessage({ op: 'checkpoint', region: 'r 1', state: new Uint8Array(1) }));
    await until(() => c1.closed !== undefined, WAIT, 'the first client to be closed');
    expect(c1.closed).toEqual({ code: 1, reason: 'malformed message from shard A: bad checkpoint region "r 1"' });
    await until(() => s1.closed !== undefined, WAIT, "the first session's shard end to close");
    expect(s1.closed).toEqual(c1.closed);
    c2.session.sendDatagram(enc('fine'));
    await until(() => s2.datagrams.includes('fine'), WAIT, 'the second session to relay');
    expect(c2.closed).toBeUndefined();
  });
});
