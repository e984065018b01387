/**
 * A net server and clients over the loopback transport on a manual scheduler: everything is synchronous and
 * repeatable; `step(ms)` moves time. Logs and client events are recorded for assertions.
 */
import { expect } from 'vitest';
import { createEventBus } from '../../engine/events.ts';
import { loadHasher } from '../../engine/hash.ts';
import { createRng } from '../../engine/rng.ts';
import type { ProtocolIdentity } from '../../engine/protocol/handshake.ts';
import { localIdentity } from '../../engine/protocol/handshake.ts';
import type { Message } from '../../engine/protocol/messages.ts';
import type { Channel } from '../../engine/net/channels.ts';
import type { NetClient, NetClientEvents, NetClientOptions } from '../../engine/net/client.ts';
import { createNetClient } from '../../engine/net/client.ts';
import type { LinkOptions, ConditionedSession } from '../../engine/net/conditioner.ts';
import { conditionConnector } from '../../engine/net/conditioner.ts';
import { createLoopbackNetwork } from '../../engine/net/loopback.ts';
import { createManualScheduler } from '../../engine/net/scheduler.ts';
import type { NetServer, NetServerOptions, ServerSession } from '../../engine/net/server.ts';
import { createNetServer } from '../../engine/net/server.ts';
import type { TransportListener, TransportSession, TransportStream } from '../../engine/net/transport.ts';
import { Channel as Ch } from '../../engine/net/channels.ts';
import { encodeFrame } from '../../engine/protocol/framing.ts';
import { makeHello } from '../../engine/protocol/handshake.ts';

/** A recorded client: its events in order and the messages it received. */
export interface TestClient {
  /** The client. */
  client: NetClient;
  /** Event names and payloads, in order. */
  events: Array<[keyof NetClientEvents, unknown]>;
  /** Messages received once active. */
  received: Array<[Channel, Message]>;
  /** Log lines. */
  logs: string[];
  /** The conditioned session of the latest connection, when a link was given. */
  link?: ConditionedSession;
}

/** Builds the harness. */
export async function createHarness(serverOptions: Partial<NetServerOptions> = {}) {
  const identity = localIdentity(await loadHasher());
  const scheduler = createManualScheduler();
  const network = createLoopbackNetwork(scheduler);
  const serverLogs: string[] = [];
  const serverReceived: Array<[number, Channel, Message]> = [];
  const makeServer = () => createNetServer({
    identity, scheduler, adminToken: 'secret-token',
    log: (level, m) => serverLogs.push(`${level} ${m}`),
    onMessage: (s, ch, m) => serverReceived.push([s.id, ch, m]),
    ...serverOptions,
  });
  let server: NetServer = makeServer();
  let listener: TransportListener | undefined = network.listen('server', (s) => server.accept(s));
  let seed = 1;

  return {
    identity, scheduler, network, serverLogs, serverReceived,
    get server() { return server; },
    /** Advances time by `ms` (in 1 ms steps of the scheduler's own ordering). */
    step(ms = 0) { scheduler.advance(ms); },
    /** Stops the server: closes its listener and every session. */
    async stopServer() { await listener?.close(); listener = undefined; },
    /** Starts a fresh server on the same address. */
    startServer() { server = makeServer(); listener = network.listen('server', (s) => server.accept(s)); },
    /** A started client; `link` conditions its sessions. */
    client(options: Partial<NetClientOptions> & { identity?: ProtocolIdentity; link?: LinkOptions } = {}): TestClient {
      const bus = createEventBus<NetClientEvents>();
      const t: TestClient = { events: [], received: [], logs: [], client: undefined as never };
      bus.onAny((name, payload) => t.events.push([name, payload]));
      const rng = createRng(seed++);
      const raw = network.connector('server');
      const connect = options.link ? conditionConnector(raw, scheduler, rng, options.link, (s) => { t.link = s; }) : raw;
      t.client = createNetClient({
        connect, identity, name: `p${seed}`, scheduler, rng, bus,
        log: (level, m) => t.logs.push(`${level} ${m}`),
        onMessage: (ch, m) => t.received.push([ch, m]),
        ...options,
      });
      t.client.start();
      return t;
    },
    /** The server session with id `id`. */
    session(id: number): ServerSession {
      const s = server.sessions.get(id);
      if (!s) throw new Error(`no session ${id}`);
      return s;
    },
  };
}

/** The harness {@link createHarness} builds. */
export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** A raw session: the test writes bytes itself. */
export interface RawClient {
  /** The client end of the session. */
  session: TransportSession;
  /** Its control stream (header written). */
  control: TransportStream;
  /** Close reasons it saw. */
  closed: string[];
  /** Bytes received on the control stream. */
  got: Uint8Array[];
}

/**
 * Connects a raw session from address `from`, opens the control stream and sends a Hello as `name` (unless `hello`
 * is false).
 */
export function rawClient(h: Harness, hello = true, name = 'raw', from = '127.0.0.1'): RawClient {
  let session: TransportSession | undefined;
  h.network.connector('server', from)((r) => { if (!(r instanceof Error)) session = r; });
  h.step(0);
  const closed: string[] = [];
  const got: Uint8Array[] = [];
  session!.setHandlers({ onDatagram: () => {}, onStream: () => {}, onClose: (i) => closed.push(i.reason) });
  const control = session!.openStream('bidi');
  control.setHandlers({ onData: (b) => got.push(b), onEnd: () => {} });
  control.write(Uint8Array.of(Ch.Control));
  if (hello) control.write(encodeFrame([makeHello(h.identity, name)]));
  h.step(0);
  return { session: session!, control, closed, got };
}

/** Opens a bidirectional stream for `channel` on a raw session (header written). */
export function bidi(session: TransportSession, channel: number): TransportStream {
  const s = session.openStream('bidi');
  s.write(Uint8Array.of(channel));
  return s;
}

/** The good client still answers pings on a stream and on a datagram channel, and is still active. */
export async function stillServed(h: Harness, good: TestClient): Promise<void> {
  const rtt = good.client.ping(Ch.Chat);
  const rttD = good.client.ping(Ch.Input);
  h.step(10);
  await expect(rtt).resolves.toBe(0);
  await expect(rttD).resolves.toBe(0);
  expect(good.client.state).toBe('active');
}
