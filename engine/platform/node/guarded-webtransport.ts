/**
 * The Node WebTransport client of `@fails-components/webtransport` (HTTP/2 mapping), guarded against exceptions the
 * library throws from inside socket event listeners, where nobody can catch them and they end the whole process.
 *
 * The case seen (about 200 bots in one process): the library gives the TCP+TLS+HTTP/2 connect `quicConnectTimeout`
 * (8 s by default); when it runs out it closes its HTTP/2 session, which destroys the session but not its TLS
 * socket. The TLS handshake then completes; the library's 'secureConnect' listener finds no socket on the destroyed
 * session and throws "Can not get http2 TLSSocket", and its 'connect' listener then throws "Client connected with no
 * pending promise" (lib/http2/node/client.js). Here every listener the library put on that socket and session is
 * wrapped: a throw ends only that one connection attempt (its socket and session are destroyed; a connect still
 * waiting fails with the reason) and is reported through `onFault`.
 *
 * It also records when the attempt passed each stage (TLS, HTTP/2 connected, server settings), so that a failed
 * connect can say how far it got, and passes the library's connect timeouts from the options.
 */
import type { EventEmitter } from 'node:events';
import { WebTransport } from '@fails-components/webtransport';

/** How far one connection attempt got, in ms after it started (undefined: not reached). */
export interface ConnectAttempt {
  /** `performance.now()` when the attempt started. */
  startedMs: number;
  /** The TLS handshake finished. */
  tlsMs?: number;
  /** The HTTP/2 session connected. */
  h2Ms?: number;
  /** The server's HTTP/2 settings arrived (the WebTransport session is requested next). */
  settingsMs?: number;
  /** The first exception the library threw from a listener (caught here), as a message. */
  fault?: string;
}

/** Options of {@link guardedWebTransport}. */
export interface GuardedWebTransportOptions {
  /** Called at the start of each attempt (synchronously, from the constructor) with its record. */
  onAttempt?(attempt: ConnectAttempt): void;
  /** Called once per attempt when the library threw from a listener; the attempt is over. */
  onFault(message: string, attempt: ConnectAttempt): void;
  /** The library's TCP+TLS+HTTP/2 connect timeout, ms (its `quicConnectTimeout`; default: the library's, 8000). */
  connectTimeoutMs?: number;
  /** The library's wait for the server's settings after connecting, ms (its `webTransportConnectTimeout`; default 2000). */
  settingsTimeoutMs?: number;
}

/** The parts of the library's HttpClient (lib/client.js) used here. */
interface LibHttpClient {
  args?: { createReliableClient?: (c: LibHttpClient) => LibHttp2Client };
  quicconnectedProm?: { reject(err: Error): void } | null;
}

/** The parts of the library's Http2WebTransportClient (lib/http2/node/client.js) used here. */
interface LibHttp2Client {
  clientInt?: EventEmitter & { socket?: EventEmitter; destroyed: boolean; destroy(): void };
  createTransport(...args: unknown[]): void;
}

type Listener = ((...args: unknown[]) => unknown) & { listener?: unknown };

/**
 * Replaces each listener of `event` on `emitter` by one that catches what it throws (order kept). The wrapper's
 * `listener` property is the original, so `removeListener(event, original)` and `once` wrappers still find it.
 */
function guardListeners(emitter: EventEmitter, event: string, onThrow: (err: unknown, self: unknown) => void): void {
  for (const raw of emitter.rawListeners(event) as Listener[]) {
    emitter.removeListener(event, raw);
    const guarded: Listener = function (this: unknown, ...args: unknown[]) {
      try {
        return raw.apply(this, args);
      } catch (err) {
        onThrow(err, this);
        return undefined;
      }
    };
    guarded.listener = raw;
    emitter.on(event, guarded);
  }
}

/** Wraps the library's HTTP/2 client so that its listeners cannot throw out of an event. */
function guardReliableClient(t: LibHttp2Client, http: LibHttpClient, attempt: ConnectAttempt, o: GuardedWebTransportOptions): LibHttp2Client {
  const create = t.createTransport;
  t.createTransport = (...args: unknown[]) => {
    create.apply(t, args);
    const session = t.clientInt;
    const socket = session?.socket; // node:http2's proxy: listener methods reach the TLS socket
    if (!session || !socket) return;
    const since = () => performance.now() - attempt.startedMs;
    // First, so that the stage is known when the library's own listener throws.
    socket.prependOnceListener('secureConnect', () => { attempt.tlsMs = since(); });
    session.prependOnceListener('connect', () => { attempt.h2Ms = since(); });
    session.prependOnceListener('remoteSettings', () => { attempt.settingsMs ??= since(); });
    const fault = (where: string, err: unknown, destroy: () => void) => {
      try { destroy(); } catch { /* already gone */ }
      if (attempt.fault) return;
      const message = `the WebTransport library threw in its ${where} listener: ${(err as Error)?.message ?? String(err)}`;
      attempt.fault = message;
      // A connect still waiting for this transport fails now, with the reason, instead of at the library's timeout.
      const waiting = http.quicconnectedProm;
      if (waiting) {
        http.quicconnectedProm = undefined;
        waiting.reject(new Error(message));
      }
      o.onFault(message, attempt);
    };
    guardListeners(socket, 'secureConnect', (err, self) => fault('TLS secureConnect', err, () => {
      (self as { destroy?: () => void })?.destroy?.(); // the TLS socket the event came from
      session.destroy();
    }));
    for (const event of ['connect', 'remoteSettings', 'error']) guardListeners(session, event, (err) => fault(`HTTP/2 ${event}`, err, () => session.destroy()));
  };
  return t;
}

/** A WebTransport constructor shaped like the library's, guarded as described above. */
export type GuardedWebTransportConstructor = new (url: string, options?: Record<string, unknown>) => InstanceType<typeof WebTransport>;

/** Makes the guarded WebTransport class; `options` applies to every instance. */
export function guardedWebTransport(options: GuardedWebTransportOptions): GuardedWebTransportConstructor {
  const Base = WebTransport as unknown as new (url: string, init?: Record<string, unknown>) => object;
  const baseCreateClient = (WebTransport.prototype as unknown as { createClient(args: Record<string, unknown>): { client: LibHttpClient } }).createClient;
  class GuardedWebTransport extends Base {
    // Called by the base constructor, before any field of this class exists: keep state in locals.
    createClient(args: Record<string, unknown>): { client: LibHttpClient } {
      const init = { ...args };
      if (options.connectTimeoutMs !== undefined) init.quicConnectTimeout ??= options.connectTimeoutMs;
      if (options.settingsTimeoutMs !== undefined) init.webTransportConnectTimeout ??= options.settingsTimeoutMs;
      const made = baseCreateClient.call(this, init);
      const attempt: ConnectAttempt = { startedMs: performance.now() };
      options.onAttempt?.(attempt);
      const http = made.client;
      const make = http.args?.createReliableClient;
      if (http.args && make) http.args.createReliableClient = (c) => guardReliableClient(make(c), http, attempt, options);
      return made;
    }
  }
  return GuardedWebTransport as unknown as GuardedWebTransportConstructor;
}

/** Where an attempt stood, for a failure message: "after 8004 ms; TLS not finished". */
export function describeAttempt(a: ConnectAttempt, nowMs = performance.now()): string {
  const at = (ms: number | undefined) => (ms === undefined ? undefined : `${Math.round(ms)} ms`);
  const stage = a.settingsMs !== undefined ? `server settings at ${at(a.settingsMs)}, WebTransport session not established`
    : a.h2Ms !== undefined ? `HTTP/2 connected at ${at(a.h2Ms)}, no server settings`
      : a.tlsMs !== undefined ? `TLS done at ${at(a.tlsMs)}, HTTP/2 not connected`
        : 'TLS not finished';
  return `after ${Math.round(nowMs - a.startedMs)} ms; ${stage}${a.fault ? `; ${a.fault}` : ''}`;
}
