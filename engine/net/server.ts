/**
 * The network server: accepts transport sessions from any backend, runs the handshake (Hello -> Welcome or
 * Reject), keeps the active sessions, answers diagnostics commands that carry the admin token, and reports
 * everything through callbacks and a log function. One bad session never affects another.
 */
import type { ProtocolIdentity } from '../protocol/handshake.ts';
import { checkHello, makeReject } from '../protocol/handshake.ts';
import type { DiagnosticsRequest, Message } from '../protocol/messages.ts';
import { MsgType } from '../protocol/messages.ts';
import { ProtocolError, ProtocolErrorCode } from '../protocol/errors.ts';
import { TICK_HZ } from '../tick.ts';
import type { Tick } from '../tick.ts';
import { Channel } from './channels.ts';
import type { Connection, ConnectionCloseInfo } from './connection.ts';
import { createConnection } from './connection.ts';
import type { Scheduler } from './scheduler.ts';
import type { TransportSession } from './transport.ts';

/** Log levels of {@link NetLog}. */
export type LogLevel = 'info' | 'warn' | 'error';
/** Where the network layer writes its log lines. */
export type NetLog = (level: LogLevel, message: string) => void;

/** An accepted client, from the handshake on. */
export interface ServerSession {
  /** Session id (1, 2, ...; unique per server). */
  readonly id: number;
  /** The player name from Hello ("" before the handshake). */
  readonly name: string;
  /** The framed connection: `send`, `ping`, `state`, `rttMs`, `stats`. */
  readonly connection: Connection;
  /** Sends on a channel (shorthand for `connection.send`). */
  send(channel: Channel, messages: Message | readonly Message[]): void;
  /** Closes this session with a reason. */
  close(reason: string): void;
}

/** Answers an admin command; its result is the response text. */
export type DiagnosticsHandler = (session: ServerSession, command: string, args: string[]) => string;

/** Options of {@link createNetServer}. */
export interface NetServerOptions {
  /** This build's protocol identity (see `localIdentity`). */
  identity: ProtocolIdentity;
  /** Time and timers. */
  scheduler: Scheduler;
  /** The admin token for diagnostics commands. */
  adminToken: string;
  /** Current server tick, for Welcome. */
  tick?: () => Tick;
  /** Log sink (default: nothing). */
  log?: NetLog;
  /** Maximum frame size (default 1 MiB). */
  maxFrame?: number;
  /** Heartbeat interval, ms (default 1000). */
  heartbeatMs?: number;
  /** Silence before a session times out, ms (default 10000). */
  timeoutMs?: number;
  /** A session finished its handshake. */
  onSessionOpen?(session: ServerSession): void;
  /** A message on an active session (handshake, ping and diagnostics are handled here and not passed on). */
  onMessage?(session: ServerSession, channel: Channel, msg: Message): void;
  /** A session ended (including sessions that never finished the handshake). */
  onSessionClose?(session: ServerSession, info: ConnectionCloseInfo): void;
  /** Extra admin commands, by name; "status" and "sessions" and "kick" are built in. */
  commands?: Record<string, DiagnosticsHandler>;
}

/** The running network server. */
export interface NetServer {
  /** Hand every accepted transport session here (pass it as the listener's sink). */
  accept(session: TransportSession): void;
  /** Active sessions by id. */
  readonly sessions: ReadonlyMap<number, ServerSession>;
  /** Sessions accepted and not yet closed (including handshaking). */
  readonly open: number;
  /** Closes every session. */
  closeAll(reason: string): void;
}

/** Makes a random admin token (32 hex digits) from the platform's crypto random source. */
export function randomAdminToken(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Creates a {@link NetServer}. */
export function createNetServer(options: NetServerOptions): NetServer {
  const log: NetLog = options.log ?? (() => {});
  const active = new Map<number, ServerSession>();
  const all = new Set<ServerSession>();
  let nextId = 1;

  const builtins: Record<string, DiagnosticsHandler> = {
    status: () => `sessions ${active.size}, tick ${options.tick?.() ?? 0}`,
    sessions: () => [...active.values()].map((s) => `${s.id} ${s.name} rtt=${s.connection.rttMs.toFixed(1)}ms`).join('\n'),
    kick: (_s, _c, args) => {
      const target = active.get(Number(args[0]));
      if (!target) return `no session ${args[0]}`;
      target.close(args[1] ?? 'kicked by an admin');
      return `kicked ${target.id}`;
    },
  };

  const diagnostics = (s: ServerSession, req: DiagnosticsRequest) => {
    const respond = (ok: boolean, text: string) =>
      s.send(Channel.Diagnostics, { type: MsgType.DiagnosticsResponse, id: req.id, ok, text: text.slice(0, 65536) });
    if (req.token !== options.adminToken) {
      log('warn', `diagnostics: refused '${req.command}' from session ${s.id} (${s.name}): bad admin token`);
      respond(false, 'refused: bad admin token');
      return;
    }
    const fn = options.commands?.[req.command] ?? builtins[req.command];
    if (!fn) {
      log('warn', `diagnostics: unknown command '${req.command}' from session ${s.id}`);
      respond(false, `unknown command '${req.command}'`);
      return;
    }
    log('info', `diagnostics: session ${s.id} ran '${req.command}'`);
    respond(true, fn(s, req.command, req.args));
  };

  return {
    get sessions() { return active; },
    get open() { return all.size; },
    closeAll(reason) {
      for (const s of [...all]) s.close(reason);
    },
    accept(transport) {
      const id = nextId++;
      let name = '';
      let session: ServerSession;
      const connection = createConnection({
        session: transport,
        role: 'server',
        scheduler: options.scheduler,
        maxFrame: options.maxFrame,
        heartbeatMs: options.heartbeatMs,
        timeoutMs: options.timeoutMs,
        onMessage(channel, msg) {
          if (connection.state === 'handshaking') {
            if (msg.type !== MsgType.Hello) throw new ProtocolError(ProtocolErrorCode.BadState, `type ${msg.type} before Hello`);
            const problem = checkHello(msg, options.identity);
            if (problem) {
              log('warn', `handshake: refused session ${id} (${msg.name}): ${problem}`);
              connection.send(Channel.Control, makeReject(problem, options.identity));
              connection.close(problem);
              return;
            }
            name = msg.name;
            connection.send(Channel.Control, {
              type: MsgType.Welcome, version: options.identity.version, schemaHash: options.identity.schemaHash,
              sessionId: id, serverTick: options.tick?.() ?? 0, tickHz: TICK_HZ,
            });
            connection.activate();
            active.set(id, session);
            log('info', `session ${id} (${name}) connected`);
            options.onSessionOpen?.(session);
            return;
          }
          if (msg.type === MsgType.Hello) throw new ProtocolError(ProtocolErrorCode.BadState, 'second Hello');
          if (msg.type === MsgType.DiagnosticsRequest) return diagnostics(session, msg);
          options.onMessage?.(session, channel, msg);
        },
        onClose(info) {
          all.delete(session);
          active.delete(id);
          const level = info.kind === 'protocol' || info.kind === 'error' ? 'warn' : 'info';
          log(level, `session ${id}${name ? ` (${name})` : ''} closed: ${info.kind}: ${info.reason}`);
          options.onSessionClose?.(session, info);
        },
      });
      session = {
        id,
        get name() { return name; },
        connection,
        send: (channel, messages) => connection.send(channel, messages),
        close: (reason) => connection.close(reason),
      };
      all.add(session);
    },
  };
}
