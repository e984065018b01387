/**
 * The session bridge on a real nats-server: a "gateway" (a loopback endpoint whose every accepted session is bridged)
 * in front of a shard serving bridged sessions. Transport level: datagrams and streams of both kinds both ways, data
 * in order, ends, oversized datagrams dropped, the player's address carried. Game level: a real game server behind
 * the bridge with headless clients (Welcome, chunks, each other, a placed block). Closes both ways with their
 * reasons, a malformed message closing one session only, a silent gateway or a missing shard timing the session out,
 * the stream budget.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeOpenReply, downSubject, encodeBridgeMessage, openSubject, upSubject } from '../../../engine/cluster/bridge-wire.ts';
import { startNats, type NatsHandle } from '../../../engine/cluster/nats-server.ts';
import {
  bridgeSession, bridgeTimings, serveBridgedSessions, type BridgedSession, type BridgedSessionServer,
} from '../../../engine/cluster/session-bridge.ts';
import type { ClientEvents } from '../../../engine/client/client-events.ts';
import { createGameClient, type GameClient } from '../../../engine/client/game-client.ts';
import { createEventBus } from '../../../engine/events.ts';
import { BlockActionKind, type PlayerInput } from '../../../engine/input.ts';
import { createLoopbackNetwork, type LoopbackNetwork } from '../../../engine/net/loopback.ts';
import { createRealtimeScheduler } from '../../../engine/net/scheduler.ts';
import type { SessionSink, TransportListener, TransportSession } from '../../../engine/net/transport.ts';
import { createRng } from '../../../engine/rng.ts';
import { createGameServer, type GameServer } from '../../../engine/server/game-server.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { DEFAULT_SUPERFLAT } from '../../../engine/voxel/terrain/generator.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import { GAME_PROTOCOL } from '../../../game/protocol.ts';
import { loadCodecDeps } from '../../support/codec-deps.ts';
import { bin, frame, record } from '../../support/bridge-session.ts';
import { skipNats } from '../../support/nats.ts';

const FAST = { heartbeatMs: 100, timeoutMs: 600, openTimeoutMs: 500 };

async function until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !test(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('bridge timings', () => {
  it('a bad value names the option and the allowed range', () => {
    expect(bridgeTimings()).toEqual({ heartbeatMs: 1000, timeoutMs: 5000, openTimeoutMs: 5000, maxQueuedBytes: 4 * 1024 * 1024 });
    expect(bridgeTimings({ heartbeatMs: 200 }).timeoutMs).toBe(1000);
    expect(() => bridgeTimings({ heartbeatMs: 10 })).toThrow('heartbeatMs must be an integer in 50..60000, got 10');
    expect(() => bridgeTimings({ heartbeatMs: 1000, timeoutMs: 1500 })).toThrow('timeoutMs must be an integer in 2000..600000, got 1500');
    expect(() => bridgeTimings({ openTimeoutMs: 1.5 })).toThrow('openTimeoutMs must be an integer in 100..60000, got 1.5');
    expect(() => bridgeTimings({ maxQueuedBytes: 10 })).toThrow('maxQueuedBytes must be an integer in 65536..1073741824, got 10');
  });
});

describe.skipIf(skipNats('session-bridge.test.ts'))('session bridge on nats-server', () => {
  let nats: NatsHandle;
  let shardNc: NatsConnection;
  let gatewayNc: NatsConnection;
  let network: LoopbackNetwork;
  const scheduler = createRealtimeScheduler();
  const stops: Array<() => unknown> = [];
  let bridged: BridgedSession[];

  beforeEach(async () => {
    nats = await startNats({ env: { PATH: process.env.PATH } });
    shardNc = await nats.connect();
    gatewayNc = await nats.connect();
    network = createLoopbackNetwork(scheduler);
    bridged = [];
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await nats.stop();
  });

  /** A shard serving bridged sessions into `sink`. */
  async function shard(sink: SessionSink, more: Partial<Parameters<typeof serveBridgedSessions>[1]> = {}): Promise<BridgedSessionServer> {
    const s = await serveBridgedSessions(shardNc, { shard: 's1', sink, ...FAST, ...more });
    stops.push(() => s.close());
    return s;
  }

  /** The gateway: a loopback endpoint bridging every session it accepts to shard s1. */
  function gateway(nc = gatewayNc, more: Partial<Parameters<typeof bridgeSession>[2]> = {}): TransportListener {
    const l = network.listen('gateway', (client) => bridged.push(bridgeSession(nc, client, { shard: 's1', gateway: 'g1', ...FAST, ...more })));
    stops.push(() => l.close());
    return l;
  }

  /** A raw client session through the gateway. */
  function connect(from = '10.0.0.1'): Promise<TransportSession> {
    return new Promise((ok, fail) => network.connector('gateway', from)((r) => (r instanceof Error ? fail(r) : ok(r))));
  }

  it('relays datagrams, streams of both kinds both ways in order, ends and the address; drops oversized datagrams', async () => {
    const shardSide: Array<ReturnType<typeof record>> = [];
    const server = await shard((s) => shardSide.push(record(s)));
    gateway();
    const client = record(await connect('10.9.8.7'));
    await until(() => shardSide.length === 1, 'the shard to accept');
    const sh = shardSide[0];
    expect(sh.session.remoteAddress).toBe('10.9.8.7');
    expect(sh.session.maxDatagramSize).toBe(1200);
    expect(await bridged[0].accepted).toBe(true);
    expect(server.open).toBe(1);

    client.session.sendDatagram(enc('ping'));
    sh.session.sendDatagram(enc('pong'));
    sh.session.sendDatagram(new Uint8Array(1201)); // over the session's size: dropped
    sh.session.sendDatagram(enc('pong2'));
    const cBidi = client.open('bidi');
    const cUni = client.open('uni');
    const big = `\x07${frame('x'.repeat(100_000))}`; // header byte 7, one frame split into several messages
    const cFrames = `\x00${Array.from({ length: 50 }, (_, i) => frame(`c${i};`)).join('')}`;
    cBidi.stream.write(bin('\x00'));
    for (let i = 0; i < 50; i++) cBidi.stream.write(bin(frame(`c${i};`)));
    cUni.stream.write(bin(big));
    cUni.stream.end();
    const sUni = sh.open('uni');
    const sBidi = sh.open('bidi');
    for (let i = 0; i < 50; i++) sUni.stream.write(enc(`s${i};`));
    sUni.stream.end();
    sBidi.stream.write(enc('hello'));
    await until(() => sh.datagrams.length === 1 && client.datagrams.length === 2 && sh.streams.length === 4 && client.streams.length === 4
      && sh.streams[3].ended && client.streams[2].ended && client.streams[3].data === 'hello', 'everything to arrive').catch((e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify({ sh: sh.datagrams, c: client.datagrams, shs: sh.streams.map((x) => [x.data.length, x.ended]), cs: client.streams.map((x) => [x.data.length, x.ended]) })}`);
    });
    expect(sh.datagrams).toEqual(['ping']);
    expect(client.datagrams).toEqual(['pong', 'pong2']);
    const [, , shBidi, shUni] = sh.streams; // its own two first
    expect([shBidi.stream.kind, shBidi.stream.local, shUni.stream.kind, shUni.stream.local]).toEqual(['bidi', false, 'uni', false]);
    expect(shBidi.data).toBe(cFrames);
    expect(shUni.data).toBe(big);
    expect(() => shUni.stream.write(enc('no'))).toThrow('received unidirectional');
    const [, , cuni, cbidi] = client.streams;
    expect([cuni.stream.kind, cuni.stream.local, cbidi.stream.kind]).toEqual(['uni', false, 'bidi']);
    expect(cuni.data).toBe(Array.from({ length: 50 }, (_, i) => `s${i};`).join(''));
    // Replies on bidi streams, both ways; the shard's buffered bytes drain as the gateway acknowledges them.
    shBidi.stream.write(enc('back'));
    cbidi.stream.write(bin(frame('world'))); // no header byte: the shard opened this stream
    await until(() => cBidi.data === 'back' && sBidi.data === frame('world') && sBidi.stream.buffered === 0 && shBidi.stream.buffered === 0, 'the replies and acks');
  });

  it('a real game server behind the bridge: clients join, get chunks, see each other and a placed block; the address limit holds', async () => {
    const codec = (await loadCodecDeps()).node;
    const log: string[] = [];
    const server: GameServer = createGameServer({
      scheduler, protocol: GAME_PROTOCOL, codec, terrain: DEFAULT_SUPERFLAT, worldRadius: 2, columnSections: 4, viewDistance: 2,
      store: null, adminToken: 'admin', log: (level, m) => log.push(`${level} ${m}`), maxSessionsPerAddress: 1,
    });
    await server.init();
    server.start();
    stops.push(() => server.stop('test done'));
    await shard((s) => server.net.accept(s));
    gateway();

    const clients: Array<{ client: GameClient; events: Array<[string, unknown]> }> = [];
    const add = (from: string, input: (c: GameClient) => Omit<PlayerInput, 'tick'>) => {
      const bus = createEventBus<ClientEvents>();
      const rec = { client: undefined as never as GameClient, events: [] as Array<[string, unknown]> };
      bus.onAny((name, payload) => rec.events.push([name, payload]));
      rec.client = createGameClient({
        connect: network.connector('gateway', from), protocol: GAME_PROTOCOL, scheduler, rng: createRng(clients.length + 1), codec,
        name: `p${clients.length + 1}`, input, bus, reconnect: false,
      });
      rec.client.start();
      stops.push(() => rec.client.stop());
      clients.push(rec);
      return rec;
    };
    let placed: { x: number; y: number; z: number } | undefined;
    const a = add('10.0.0.1', (c) => {
      const b = c.predictor?.body;
      if (!b || placed || c.remotes.size === 0 || c.tick < 40) return { buttons: 0, yaw: 0, pitch: 0 };
      placed = { x: Math.floor(b.x) + 2, y: 6, z: Math.floor(b.z) };
      return { buttons: 0, yaw: 0, pitch: 0, block: { kind: BlockActionKind.Place, ...placed, face: 3 } };
    });
    await until(() => a.client.net.state === 'active' && a.client.localEid !== 0, 'A to be active and see its own player');
    expect(a.events.some(([n]) => n === 'ChunkLoaded')).toBe(true);
    const b = add('10.0.0.2', () => ({ buttons: 0, yaw: 0, pitch: 0 }));
    await until(() => b.client.remotes.has(a.client.selfId) && a.client.remotes.has(b.client.selfId), 'A and B to see each other');
    expect(b.client.remotes.get(a.client.selfId)?.name).toBe('p1');
    type Result = ClientEvents['BlockResult'];
    const result = () => a.events.find(([n]) => n === 'BlockResult')?.[1] as Result | undefined;
    await until(() => result() !== undefined, "the server's answer to A's block");
    const r = result()!;
    expect(r).toMatchObject({ ok: true, x: placed!.x, z: placed!.z });
    expect(r.block).not.toBe(Block.Air);
    await until(() => getBlock(b.client.world.voxels, r.x, r.y, r.z) === r.block, 'B to see the block A placed');
    expect(getBlock(server.world.voxels, r.x, r.y, r.z)).toBe(r.block);
    expect(a.client.stats.confirmed).toBe(1);
    // The player's address reached the shard: a second session from 10.0.0.1 is refused there.
    const third = add('10.0.0.1', () => ({ buttons: 0, yaw: 0, pitch: 0 }));
    await until(() => third.events.some(([n]) => n === 'Disconnected'), 'the third client to be refused');
    expect(JSON.stringify(third.events.find(([n]) => n === 'Disconnected'))).toContain('too many sessions from 10.0.0.1');
    expect(server.players.size).toBe(2);
  }, 30_000);

  it('closes travel both ways with their code and reason', async () => {
    const shardSide: Array<ReturnType<typeof record>> = [];
    const server = await shard((s) => shardSide.push(record(s)));
    gateway();
    const c1 = record(await connect());
    const c2 = record(await connect());
    await until(() => shardSide.length === 2, 'two sessions');
    c1.session.close({ code: 0, reason: 'player quit' });
    await until(() => shardSide[0].closed !== undefined, 'the shard session to close');
    expect(shardSide[0].closed).toEqual({ code: 0, reason: 'player quit' });
    expect(await bridged[0].closed).toEqual({ code: 0, reason: 'player quit' });
    shardSide[1].session.close({ code: 7, reason: 'kicked by admin' });
    await until(() => c2.closed !== undefined, 'the client to see the close');
    expect(c2.closed).toEqual({ code: 7, reason: 'kicked by admin' });
    expect(shardSide[1].closed).toEqual({ code: 7, reason: 'kicked by admin' });
    await until(() => server.open === 0, 'the shard to forget both');
    // The shard stopping closes what is left with its reason.
    const c3 = record(await connect());
    await until(() => server.open === 1, 'a third session');
    await server.close('shard draining');
    await until(() => c3.closed !== undefined, 'the client to see the shard stop');
    expect(c3.closed).toEqual({ code: 0, reason: 'shard draining' });
  });

  it('a game server kicking a bridged player: the client is told why', async () => {
    const codec = (await loadCodecDeps()).node;
    const server = createGameServer({
      scheduler, protocol: GAME_PROTOCOL, codec, terrain: DEFAULT_SUPERFLAT, worldRadius: 1, columnSections: 4, viewDistance: 1,
      store: null, adminToken: 'admin', log: () => {},
    });
    await server.init();
    server.start();
    stops.push(() => server.stop('test done'));
    await shard((s) => server.net.accept(s));
    gateway();
    const events: Array<[string, unknown]> = [];
    const bus = createEventBus<ClientEvents>();
    bus.onAny((n, p) => events.push([n, p]));
    const client = createGameClient({
      connect: network.connector('gateway', '10.0.0.5'), protocol: GAME_PROTOCOL, scheduler, rng: createRng(5), codec, name: 'kickme',
      input: () => ({ buttons: 0, yaw: 0, pitch: 0 }), bus, reconnect: false,
    });
    client.start();
    stops.push(() => client.stop());
    await until(() => client.net.state === 'active', 'the client to join');
    [...server.net.sessions.values()][0].close('kicked: testing');
    await until(() => events.some(([n]) => n === 'Disconnected'), 'the client to be disconnected');
    expect((events.find(([n]) => n === 'Disconnected')![1] as { reason: string }).reason).toContain('kicked: testing');
    expect((await bridged[0].closed).reason).toContain('kicked: testing');
  }, 20_000);

  it('a malformed message closes that session only; another keeps working', async () => {
    const shardSide: Array<ReturnType<typeof record>> = [];
    const logs: string[] = [];
    const server = await shard((s) => shardSide.push(record(s)), { log: (m) => logs.push(m) });
    gateway();
    const c1 = record(await connect());
    const c2 = record(await connect());
    await until(() => shardSide.length === 2, 'two sessions');
    await bridged[0].accepted;
    const intruder = await nats.connect();
    const up = upSubject('s1', bridged[0].key);
    intruder.publish(up, new Uint8Array([0xc1])); // not msgpack
    await until(() => c1.closed !== undefined, 'the first client to be closed');
    expect(c1.closed!.code).toBe(1);
    expect(c1.closed!.reason).toMatch(/^malformed message from gateway g1: /);
    expect(shardSide[0].closed).toEqual(c1.closed);
    expect(logs.join('\n')).toContain('malformed message from gateway g1');
    // Data on a stream that was never opened: another well-formed message that does not fit.
    const c3 = record(await connect());
    await until(() => shardSide.length === 3, 'a third session');
    await bridged[2].accepted;
    intruder.publish(upSubject('s1', bridged[2].key), encodeBridgeMessage({ op: 'data', id: 42, bytes: enc('x') }));
    await until(() => c3.closed !== undefined, 'the third client to be closed');
    expect(c3.closed!.reason).toBe('malformed message from gateway g1: data on unknown stream 42');
    // Garbage from the shard's side: the gateway closes that session, and the shard's end hears why.
    const c4 = record(await connect());
    await until(() => shardSide.length === 4, 'a fourth session');
    await bridged[3].accepted;
    intruder.publish(downSubject('g1', bridged[3].key), encodeBridgeMessage({ op: 'ack', id: 1, bytes: 5 }));
    await until(() => c4.closed !== undefined && shardSide[3].closed !== undefined, 'the fourth session to close on both ends');
    expect(c4.closed).toEqual({ code: 1, reason: 'malformed message from shard s1: the shard sent an ack (only the gateway does)' });
    expect(shardSide[3].closed).toEqual(c4.closed);
    // A malformed open is answered with a refusal, not a session.
    const refusal = decodeOpenReply((await intruder.request(openSubject('s1'), new Uint8Array([1, 2, 3]), { timeout: 2000 })).data);
    expect(refusal).toEqual({ ok: false, reason: 'shard s1 refused the open: not msgpack (Data read, but end of buffer not reached 1)' });
    const old = decodeOpenReply((await intruder.request(openSubject('s1'), encodeBridgeMessage({ op: 'beat' }), { timeout: 2000 })).data);
    expect(old).toEqual({ ok: false, reason: 'shard s1 refused the open: open request version undefined is not 1' });
    // The second session still relays both ways.
    c2.session.sendDatagram(enc('still here'));
    shardSide[1].session.sendDatagram(enc('me too'));
    await until(() => shardSide[1].datagrams.length === 1 && c2.datagrams.length === 1, 'the second session to relay');
    expect(c2.closed).toBeUndefined();
    expect(server.open).toBe(1);
  });

  it('a sink that throws closes that session with the reason', async () => {
    const server = await shard(() => { throw new Error('boom'); });
    gateway();
    const c = record(await connect());
    await until(() => c.closed !== undefined, 'the client to be closed');
    expect(c.closed).toEqual({ code: 1, reason: 'shard s1 could not take the session: boom' });
    expect(server.open).toBe(0);
  });

  it('a gateway that vanishes (its NATS connection closed) is timed out by the shard; heartbeats keep an idle session open', async () => {
    const shardSide: Array<ReturnType<typeof record>> = [];
    const server = await shard((s) => shardSide.push(record(s)));
    const doomed = await nats.connect();
    gateway(doomed);
    record(await connect());
    await until(() => shardSide.length === 1, 'the session');
    await bridged[0].accepted;
    await new Promise((r) => setTimeout(r, 3 * FAST.timeoutMs)); // heartbeats keep an idle session open
    expect(shardSide[0].closed).toBeUndefined();
    const t0 = Date.now();
    await doomed.close();
    await until(() => shardSide[0].closed !== undefined, 'the shard to time the session out', 5000);
    const took = Date.now() - t0;
    expect(shardSide[0].closed).toEqual({ code: 1, reason: `gateway g1 went silent (nothing for over ${FAST.timeoutMs} ms)` });
    // Heard last at most one heartbeat before the close; checked once per heartbeat (slack for a busy machine).
    expect(took).toBeGreaterThanOrEqual(FAST.timeoutMs - FAST.heartbeatMs - 20);
    expect(took).toBeLessThan(FAST.timeoutMs + FAST.heartbeatMs + 1000);
    expect(server.open).toBe(0);
  });

  it('a shard that stops answering: the open times out, or a live session times out, with the shard named', async () => {
    const l = network.listen('other', (client) => bridged.push(bridgeSession(gatewayNc, client, { shard: 's2', gateway: 'g1', ...FAST })));
    stops.push(() => l.close());
    const noShard = record(await new Promise<TransportSession>((ok) => network.connector('other')((r) => ok(r as TransportSession))));
    await until(() => noShard.closed !== undefined, 'the client to be closed');
    expect(noShard.closed!.reason).toMatch(/^shard s2 (did not answer the session open within 500 ms|is not serving sessions \(no responders\))$/);
    expect(await bridged[0].accepted).toBe(false);
    // A shard that answers, then dies (its connection closed): the gateway closes the client.
    const dying = await nats.connect();
    const s = await serveBridgedSessions(dying, { shard: 's2', sink: () => {}, ...FAST });
    stops.push(() => s.close());
    const c = record(await new Promise<TransportSession>((ok) => network.connector('other')((r) => ok(r as TransportSession))));
    expect(await bridged[1].accepted).toBe(true);
    await dying.close();
    await until(() => c.closed !== undefined, 'the gateway to time the session out', 5000);
    expect(c.closed).toEqual({ code: 1, reason: `shard s2 went silent (nothing for over ${FAST.timeoutMs} ms)` });
  });

  it('a stream the client does not take is bounded: the session closes with the reason', async () => {
    const shardSide: Array<ReturnType<typeof record>> = [];
    await shard((s) => shardSide.push(record(s)), { maxQueuedBytes: 65_536 });
    gateway(gatewayNc, { maxQueuedBytes: 65_536 });
    const client = record(await connect());
    await until(() => shardSide.length === 1, 'the session');
    await bridged[0].accepted;
    // The shard's early bytes: the gateway sends data on a stream whose handlers the shard never sets.
    const unread = client.session.openStream('uni');
    shardSide[0].session.setHandlers({ onDatagram() {}, onStream() {}, onClose: (i) => { shardSide[0].closed = i; } });
    const whole = new Uint8Array(70_000); // header byte 0, then one frame
    new DataView(whole.buffer).setUint32(1, 70_000 - 5);
    unread.write(whole);
    await until(() => client.closed !== undefined, 'the session to close');
    expect(client.closed).toEqual({ code: 1, reason: 'stream 0: 70000 bytes received and not taken by the server (limit 65536)' });
  });
});
