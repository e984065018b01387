/**
 * The network client: connects through any {@link Connector}, runs the handshake, and keeps the connection alive:
 * after a timeout or a lost connection it reconnects with exponential backoff and jitter up to a cap. Lifecycle
 * events (Connected, Disconnected, TimedOut, Reconnecting) go to the engine's event bus.
 */
import type { EventBus } from '../events.ts';
import type { Rng } from '../rng.ts';
import type { ProtocolIdentity } from '../protocol/handshake.ts';
import { makeHello, magicHex } from '../protocol/handshake.ts';
import type { Message } from '../protocol/messages.ts';
import { MsgType } from '../protocol/messages.ts';
import { ProtocolError, ProtocolErrorCode } from '../protocol/errors.ts';
import { Channel, createHandshakeCopies, datagramChannel } from './channels.ts';
import type { Connection, ConnectionCloseInfo } from './connection.ts';
import { createConnection } from './connection.ts';
import type { PayloadOf, UserMessage } from '../protocol/user-codec.ts';
import type { UserMessageDef } from '../protocol/user-messages.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import type { NetLog } from './server.ts';
import type { Connector } from './transport.ts';

/** Client lifecycle: Connecting -> Handshaking -> Active -> Disconnected (and back to Connecting on reconnect). */
export type ClientState = 'connecting' | 'handshaking' | 'active' | 'disconnected';

/** Events the client puts on the engine's event bus. */
export interface NetClientEvents {
  /** The handshake succeeded. */
  Connected: { sessionId: number; serverTick: number };
  /** The connection ended (also for a refused handshake or a failed connect attempt). */
  Disconnected: { reason: string; kind: ConnectionCloseInfo['kind'] | 'rejected' | 'connect-failed' };
  /** Nothing was received for the timeout; a Disconnected follows. */
  TimedOut: { reason: string };
  /** A reconnect attempt is scheduled. */
  Reconnecting: { attempt: number; delayMs: number };
}

/** Reconnection policy. */
export interface ReconnectOptions {
  /** First delay in ms (default 250). */
  baseMs?: number;
  /** Largest delay in ms (default 10000). */
  capMs?: number;
  /** Give up after this many attempts in a row (default Infinity). */
  maxAttempts?: number;
}

/** Options of {@link createNetClient}. */
export interface NetClientOptions {
  /** Opens transport sessions (WebTransport, loopback, maybe conditioned). */
  connect: Connector;
  /** This build's protocol identity. */
  identity: ProtocolIdentity;
  /** Player name for Hello. */
  name: string;
  /** Time and timers. */
  scheduler: Scheduler;
  /** Seeded randomness for backoff jitter. */
  rng: Rng;
  /** Lifecycle events go here. */
  bus: EventBus<NetClientEvents>;
  /** Reconnection policy; `false` disables reconnecting. */
  reconnect?: ReconnectOptions | false;
  /** Log sink (default: nothing). */
  log?: NetLog;
  /** Maximum frame size (default 1 MiB). */
  maxFrame?: number;
  /** Heartbeat interval, ms (default 1000). */
  heartbeatMs?: number;
  /** Silence before the connection times out, ms (default 10000). */
  timeoutMs?: number;
  /** A transport connect that has not finished after this long counts as failed, ms (default 10000). */
  connectTimeoutMs?: number;
  /** Messages from the server once active (handshake and pings are handled here). */
  onMessage?(channel: Channel, msg: Message): void;
  /** The user messages of the protocol definition (`def.messages`; default none). */
  userMessages?: readonly UserMessageDef[];
  /** User messages from the server, checked against their declarations (connection.ts). */
  onUserMessage?(channel: Channel, msg: UserMessage): void;
  /** A user message from the server was refused (the server was told why). */
  onUserRefused?(channel: Channel, def: UserMessageDef, reason: string): void;
}

/** A running client. */
export interface NetClient {
  /** Lifecycle state. */
  readonly state: ClientState;
  /** The current connection (undefined before the first connect). */
  readonly connection: Connection | undefined;
  /** Session id from the last Welcome (0 before). */
  readonly sessionId: number;
  /** Starts connecting. */
  start(): void;
  /** Sends on a channel; throws if not active. */
  send(channel: Channel, messages: Message | readonly Message[]): void;
  /** Sends a user message on its declared channel; throws if not active, or RangeError as `Connection.sendUser`. */
  sendUser<M extends UserMessageDef>(def: M, payload: PayloadOf<M>): void;
  /** Pings on a channel; resolves with the RTT in ms. */
  ping(channel: Channel, timeoutMs?: number): Promise<number>;
  /** Disconnects for good (no reconnect). */
  stop(reason?: string): void;
}

/** Backoff delay before attempt `attempt` (1-based): exponential up to the cap, then "equal jitter" (50..100%). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, rng: Rng): number {
  const full = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return full / 2 + rng.next() * (full / 2);
}

/** How a server of protocol 8 or older closes a session whose Hello came by datagram (see SPEC, Handshake step 4). */
const OLD_SERVER_REFUSAL = new RegExp(`wrong-channel: type ${MsgType.Hello} from client on input`);

/** Creates a {@link NetClient}; call `start()` to connect. */
export function createNetClient(options: NetClientOptions): NetClient {
  const { scheduler, bus } = options;
  const log: NetLog = options.log ?? (() => {});
  const policy = options.reconnect === false ? undefined : options.reconnect ?? {};
  let state: ClientState = 'disconnected';
  let connection: Connection | undefined;
  let sessionId = 0;
  let attempt = 0;
  let stopped = false;
  let retry: TimerHandle | undefined;

  const scheduleReconnect = () => {
    if (stopped || !policy) return;
    attempt++;
    if (attempt > (policy.maxAttempts ?? Infinity)) {
      log('warn', `giving up after ${attempt - 1} reconnect attempts`);
      stopped = true;
      return;
    }
    const delayMs = backoffDelay(attempt, policy.baseMs ?? 250, policy.capMs ?? 10_000, options.rng);
    bus.emit('Reconnecting', { attempt, delayMs });
    retry = scheduler.set(delayMs, connectOnce);
  };

  const connectOnce = () => {
    retry = undefined;
    if (stopped) return;
    state = 'connecting';
    // A connector that never answers (a lost SYN, a stuck TLS handshake) must not stall the client for good.
    let settled = false;
    const connectMs = options.connectTimeoutMs ?? 10_000;
    const guard = scheduler.set(connectMs, () => {
      if (settled) return;
      settled = true;
      if (stopped) return;
      state = 'disconnected';
      log('warn', `connect timed out after ${connectMs} ms`);
      if (attempt === 0) bus.emit('Disconnected', { reason: `connect timed out after ${connectMs} ms`, kind: 'connect-failed' });
      scheduleReconnect();
    });
    options.connect((result) => {
      if (settled) {
        if (!(result instanceof Error)) result.close({ code: 0, reason: 'connect timed out' });
        return;
      }
      settled = true;
      scheduler.clear(guard);
      if (result instanceof Error) {
        if (stopped) return;
        state = 'disconnected';
        log('warn', `connect failed: ${result.message}`);
        // Only the first attempt reports it: during reconnection the client is already Disconnected.
        if (attempt === 0) bus.emit('Disconnected', { reason: result.message, kind: 'connect-failed' });
        scheduleReconnect();
        return;
      }
      if (stopped) {
        result.close({ code: 0, reason: 'client stopped' });
        return;
      }
      state = 'handshaking';
      let rejected = false;
      const copies = createHandshakeCopies();
      const conn: Connection = createConnection({
        session: result,
        role: 'client',
        scheduler,
        maxFrame: options.maxFrame,
        heartbeatMs: options.heartbeatMs,
        timeoutMs: options.timeoutMs,
        userMessages: options.userMessages,
        onUserMessage: options.onUserMessage,
        onUserRefused: options.onUserRefused,
        onMessage(channel, msg) {
          if (conn.state === 'handshaking') {
            if (msg.type === MsgType.Welcome) {
              copies.took(channel, 'server');
              sessionId = msg.sessionId;
              conn.activate();
              state = 'active';
              attempt = 0;
              log('info', `connected as session ${sessionId}`);
              bus.emit('Connected', { sessionId, serverTick: msg.serverTick });
              return;
            }
            if (msg.type === MsgType.Reject) {
              rejected = true;
              stopped = true; // another attempt would be refused the same way
              const id = options.identity;
              const reason = `refused by server: ${msg.reason} [client magic ${magicHex(id.magic)} version ${id.version} schema ${id.schemaHash}; ` +
                `server magic ${magicHex(msg.magic)} version ${msg.version} schema ${msg.schemaHash}]`;
              log('error', reason);
              conn.close(reason);
              state = 'disconnected';
              bus.emit('Disconnected', { reason, kind: 'rejected' });
              return;
            }
            throw new ProtocolError(ProtocolErrorCode.BadState, `type ${msg.type} before Welcome`);
          }
          if (msg.type === MsgType.Welcome && copies.isCopy(channel)) return;
          if (msg.type === MsgType.Welcome || msg.type === MsgType.Reject) {
            throw new ProtocolError(ProtocolErrorCode.BadState, `type ${msg.type} after the handshake`);
          }
          options.onMessage?.(channel, msg);
        },
        onClose(info) {
          if (rejected || connection !== conn) return;
          state = 'disconnected';
          if (info.kind === 'local' && stopped) return;
          if (info.kind === 'remote' && OLD_SERVER_REFUSAL.test(info.reason)) {
            // A server of protocol 8 or older refuses the Hello's datagram copy before it reads the stream's Hello,
            // and so never sends its Reject: it speaks an older protocol, and another attempt would fail the same way.
            stopped = true;
            const reason = `refused by server: it speaks an older protocol than version ${options.identity.version} (${info.reason})`;
            log('error', reason);
            bus.emit('Disconnected', { reason, kind: 'rejected' });
            return;
          }
          if (info.kind === 'timeout') bus.emit('TimedOut', { reason: info.reason });
          log(info.kind === 'protocol' ? 'warn' : 'info', `disconnected: ${info.kind}: ${info.reason}`);
          bus.emit('Disconnected', { reason: info.reason, kind: info.kind });
          scheduleReconnect();
        },
      });
      connection = conn;
      // Twice, the stream's and a datagram's copy: a lost packet then does not hold the join up (HandshakeCopies).
      const hello = makeHello(options.identity, options.name);
      conn.send(Channel.Control, hello);
      conn.send(datagramChannel('client'), hello);
    });
  };

  return {
    get state() { return state; },
    get connection() { return connection; },
    get sessionId() { return sessionId; },
    start() {
      stopped = false;
      attempt = 0;
      connectOnce();
    },
    send(channel, messages) {
      if (state !== 'active' || !connection) throw new Error(`cannot send while ${state}`);
      connection.send(channel, messages);
    },
    sendUser(def, payload) {
      if (state !== 'active' || !connection) throw new Error(`cannot send while ${state}`);
      connection.sendUser(def, payload);
    },
    ping(channel, timeoutMs) {
      if (!connection) return Promise.reject(new Error('not connected'));
      return connection.ping(channel, timeoutMs);
    },
    stop(reason = 'client stopped') {
      stopped = true;
      scheduler.clear(retry);
      retry = undefined;
      const wasOpen = state !== 'disconnected';
      state = 'disconnected';
      connection?.close(reason);
      if (wasOpen) {
        log('info', `disconnected: local: ${reason}`);
        bus.emit('Disconnected', { reason, kind: 'local' });
      }
    },
  };
}
