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
import { Channel, createHandshakeCopies, datagramChannel } from './channels.ts';
import type { Connection, ConnectionCloseInfo } from './connection.ts';
import { createConnection } from './connection.ts';
import type { PayloadOf, UserMessage } from '../protocol/user-codec.ts';
import type { UserMessageDef } from '../protocol/user-messages.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import type { SessionHandlers, TransportSession } from './transport.ts';
import { escapeForLog, rateLimitLog, type NetLog } from './log-text.ts';
import { createConnectionCaps } from './connection-caps.ts';
import { checkPlayerName, nameKey, uniqueName } from './player-name.ts';
import {
  DEFAULT_SESSION_LIMITS, checkSessionLimits, withLimits, type SessionLimitOverrides,
} from './session-limits.ts';

export type { LogLevel, NetLog } from './log-text.ts';

/** An accepted client, from the handshake on. */
export interface ServerSession {
  /** Session id (1, 2, ...; unique per server). */
  readonly id: number;
  /** The player's name: its Hello's, made unique on this server ("" before the handshake). */
  readonly name: string;
  /** The peer's address, when the transport knows it. */
  readonly address: string | undefined;
  /** The framed connection: `send`, `ping`, `state`, `rttMs`, `stats`. */
  readonly connection: Connection;
  /** Sends on a channel (shorthand for `connection.send`). */
  send(channel: Channel, messages: Message | readonly Message[]): void;
  /** Sends a user message on its declared channel (shorthand for `connection.sendUser`). */
  sendUser<M extends UserMessageDef>(def: M, payload: PayloadOf<M>): void;
  /** Closes this session with a reason. */
  close(reason: string): void;
  /** True when this session was handed over by another server (its transport's `resume`): it had no handshake here. */
  readonly resumed: boolean;
  /** True when {@link ServerSession.moveTo} can move this session (its transport has `moveTo`). */
  readonly movable: boolean;
  /**
   * Hands this session to server `target` with the opaque `state` (transport.ts `TransportSession.moveTo`); the close
   * that follows reports the reason `moved to <target>`. Throws Error when the session's transport cannot move
   * sessions (only bridged sessions can).
   */
  moveTo(target: string, state: Uint8Array): void;
  /** True when {@link ServerSession.checkpoint} can leave checkpoints (its transport has `checkpoint`). */
  readonly checkpointable: boolean;
  /**
   * Leaves the latest fail-over checkpoint of this session's player, for region `region` (transport.ts
   * `TransportSession.checkpoint`). Throws Error when the session's transport takes no checkpoints (only bridged
   * sessions do), and whatever the transport throws (a bad region, a state too large).
   */
  checkpoint(region: string, state: Uint8Array): void;
}

/**
 * Answers an admin command; its result is the response text. A handler that throws is answered with `ok: false`
 * and the error's message (a bad argument: say which and its range).
 */
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
  /** Budgets per session for what a client sends (default `DEFAULT_SESSION_LIMITS`; fields given here win). */
  limits?: SessionLimitOverrides;
  /** A session that has not sent a valid Hello this long after it was accepted is closed, ms (default 10000). */
  helloTimeoutMs?: number;
  /** Most players (sessions past the handshake) at once; a Hello beyond it is refused (default 200). */
  maxPlayers?: number;
  /** Most open sessions (handshaking included) from one address at once (default 8). */
  maxSessionsPerAddress?: number;
  /** A session finished its handshake. */
  onSessionOpen?(session: ServerSession): void;
  /**
   * A session another server handed over (its transport's `resume` holds that server's hand-off `state`): there is
   * no Hello and no Welcome, the session is active at once. Returns the player's name (made unique on this server;
   * one that is not a valid name becomes 'player'). Throwing refuses the hand-off: only that session is closed, with
   * the error's message. Without this option every handed-over session is refused.
   */
  onSessionResume?(session: ServerSession, state: Uint8Array): string;
  /** A message on an active session (handshake, ping and diagnostics are handled here and not passed on). */
  onMessage?(session: ServerSession, channel: Channel, msg: Message): void;
  /** A session ended (including sessions that never finished the handshake). */
  onSessionClose?(session: ServerSession, info: ConnectionCloseInfo): void;
  /** The user messages of the protocol definition (`def.messages`; default none). */
  userMessages?: readonly UserMessageDef[];
  /** A user message from an active session, checked against its declaration (direction, channel, fields). */
  onUserMessage?(session: ServerSession, channel: Channel, msg: UserMessage): void;
  /** A user message from a session was refused; the client was told `reason` and the session stays open. */
  onUserRefused?(session: ServerSession, channel: Channel, def: UserMessageDef, reason: string): void;
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

/** Default of {@link NetServerOptions.helloTimeoutMs}. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Default of {@link NetServerOptions.maxPlayers}. */
export const DEFAULT_MAX_PLAYERS = 200;
/** Default of {@link NetServerOptions.maxSessionsPerAddress}. */
export const DEFAULT_MAX_SESSIONS_PER_ADDRESS = 8;
/** Wrong admin tokens a session may send before it is closed. */
export const MAX_BAD_TOKENS = 3;
/** Warnings a peer can provoke, per second, before they are counted instead (so floods cannot flood the log). */
const PEER_WARNINGS_PER_SECOND = 20;

/**
 * A view of `t` whose `setHandlers` takes effect only at `release()`: events that arrive meanwhile stay queued in
 * the transport (every backend holds events until handlers are set).
 */
function holdEvents(t: TransportSession): { session: TransportSession; release(): void } {
  let held: SessionHandlers | undefined;
  let open = false;
  const session: TransportSession = {
    get reliableDatagrams() { return t.reliableDatagrams; },
    get maxDatagramSize() { return t.maxDatagramSize; },
    get remoteAddress() { return t.remoteAddress; },
    resume: t.resume,
    sendDatagram: (bytes) => t.sendDatagram(bytes),
    openStream: (kind) => t.openStream(kind),
    close: (info) => t.close(info),
    setHandlers(h) { if (open) t.setHandlers(h); else held = h; },
    ...(t.moveTo ? { moveTo: (target: string, state: Uint8Array) => t.moveTo!(target, state) } : {}),
  };
  return { session, release() { open = true; if (held) t.setHandlers(held); } };
}

/** Creates a {@link NetServer}. */
export function createNetServer(options: NetServerOptions): NetServer {
  const log: NetLog = options.log ?? (() => {});
  const warnPeer = rateLimitLog(log, { lines: PEER_WARNINGS_PER_SECOND, windowMs: 1000, now: () => options.scheduler.now() }).log;
  const limits = withLimits(DEFAULT_SESSION_LIMITS, options.limits);
  checkSessionLimits(limits);
  const helloTimeoutMs = options.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
  const maxPlayers = options.maxPlayers ?? DEFAULT_MAX_PLAYERS;
  const maxPerAddress = options.maxSessionsPerAddress ?? DEFAULT_MAX_SESSIONS_PER_ADDRESS;
  const active = new Map<number, ServerSession>();
  const all = new Set<ServerSession>();
  const perAddress = createConnectionCaps({ maxConnections: Infinity, maxConnectionsPerAddress: maxPerAddress });
  const names = new Set<string>(); // nameKey of every active session's name
  let nextId = 1;

  const builtins: Record<string, DiagnosticsHandler> = {
    status: () => `sessions ${active.size}, handshaking ${all.size - active.size}, tick ${options.tick?.() ?? 0}`,
    sessions: () => [...active.values()].map((s) => `${s.id} ${escapeForLog(s.name)} rtt=${s.connection.rttMs.toFixed(1)}ms`).join('\n'),
    kick: (_s, _c, args) => {
      const target = active.get(Number(args[0]));
      if (!target) return `no session ${args[0]}`;
      target.close(args[1] ?? 'kicked by an admin');
      return `kicked ${target.id}`;
    },
  };

  const badTokens = new Map<number, number>();
  const diagnostics = (s: ServerSession, req: DiagnosticsRequest) => {
    const respond = (ok: boolean, text: string) =>
      s.send(Channel.Diagnostics, { type: MsgType.DiagnosticsResponse, id: req.id, ok, text: text.slice(0, 65536) });
    const command = escapeForLog(req.command, 32);
    if (req.token !== options.adminToken) {
      const bad = (badTokens.get(s.id) ?? 0) + 1;
      badTokens.set(s.id, bad);
      warnPeer('warn', `diagnostics: refused '${command}' from session ${s.id} (${escapeForLog(s.name)}): bad admin token`);
      if (bad > MAX_BAD_TOKENS) {
        s.close(`more than ${MAX_BAD_TOKENS} bad admin tokens`);
        return;
      }
      respond(false, 'refused: bad admin token');
      return;
    }
    const fn = Object.hasOwn(options.commands ?? {}, req.command) ? options.commands![req.command]
      : Object.hasOwn(builtins, req.command) ? builtins[req.command] : undefined;
    if (!fn) {
      log('warn', `diagnostics: unknown command '${command}' from session ${s.id}`);
      respond(false, `unknown command '${req.command.slice(0, 32)}'`);
      return;
    }
    log('info', `diagnostics: session ${s.id} ran '${command}'`);
    let text: string;
    try {
      text = fn(s, req.command, req.args);
    } catch (err) {
      respond(false, err instanceof Error ? err.message : String(err));
      return;
    }
    respond(true, text);
  };

  return {
    get sessions() { return active; },
    get open() { return all.size; },
    closeAll(reason) {
      for (const s of [...all]) s.close(reason);
    },
    accept(transport) {
      const id = nextId++;
      const address = transport.remoteAddress;
      if (address !== undefined && perAddress.admit(address) !== 'ok') {
        const reason = `too many sessions from ${address} (limit ${maxPerAddress})`;
        warnPeer('warn', `session ${id} refused: ${reason}`);
        transport.close({ code: 0, reason });
        return;
      }
      let name = '';
      let session: ServerSession;
      let helloTimer: TimerHandle | undefined;
      const copies = createHandshakeCopies();
      // A handed-over session's events wait until it is let in (the peer's streams and inputs may already be queued).
      const gate = transport.resume !== undefined ? holdEvents(transport) : undefined;
      /** Refuses the handshake: the client learns why from the Reject, then the session closes. */
      const refuse = (reason: string, asked: string) => {
        warnPeer('warn', `handshake: refused session ${id} (${escapeForLog(asked)}): ${reason}`);
        connection.send(Channel.Control, makeReject(reason, options.identity));
        connection.close(reason);
      };
      const connection = createConnection({
        session: gate?.session ?? transport,
        role: 'server',
        scheduler: options.scheduler,
        maxFrame: options.maxFrame,
        heartbeatMs: options.heartbeatMs,
        timeoutMs: options.timeoutMs,
        limits,
        userMessages: options.userMessages,
        onUserMessage: (channel, msg) => options.onUserMessage?.(session, channel, msg),
        onUserRefused(channel, def, reason) {
          warnPeer('warn', `session ${id} (${escapeForLog(name)}): refused ${def.name}: ${escapeForLog(reason, 200)}`);
          options.onUserRefused?.(session, channel, def, reason);
        },
        onMessage(channel, msg) {
          if (connection.state === 'handshaking') {
            if (msg.type !== MsgType.Hello) throw new ProtocolError(ProtocolErrorCode.BadState, `type ${msg.type} before Hello`);
            const problem = checkHello(msg, options.identity) ?? checkPlayerName(msg.name);
            const full = active.size >= maxPlayers;
            // A refusal answers the Control stream's copy: the Reject must travel where the client reads it.
            if ((problem || full) && channel !== Channel.Control) return;
            if (problem) return refuse(problem, msg.name);
            if (full) return refuse(`server full (${maxPlayers} players)`, msg.name);
            options.scheduler.clear(helloTimer);
            copies.took(channel, 'client');
            name = uniqueName(msg.name, (key) => names.has(key));
            names.add(nameKey(name));
            const welcome: Message = {
              type: MsgType.Welcome, version: options.identity.version, schemaHash: options.identity.schemaHash,
              sessionId: id, serverTick: options.tick?.() ?? 0, tickHz: TICK_HZ,
            };
            connection.send(Channel.Control, welcome);
            connection.send(datagramChannel('server'), welcome);
            connection.activate();
            active.set(id, session);
            log('info', `session ${id} (${escapeForLog(name)}) connected${address ? ` from ${address}` : ''}${name !== msg.name ? `; '${escapeForLog(msg.name)}' was taken` : ''}`);
            options.onSessionOpen?.(session);
            return;
          }
          if (msg.type === MsgType.Hello) {
            if (copies.isCopy(channel)) return;
            throw new ProtocolError(ProtocolErrorCode.BadState, 'second Hello');
          }
          if (msg.type === MsgType.DiagnosticsRequest) return diagnostics(session, msg);
          options.onMessage?.(session, channel, msg);
        },
        onClose(info) {
          options.scheduler.clear(helloTimer);
          all.delete(session);
          if (active.delete(id)) names.delete(nameKey(name));
          badTokens.delete(id);
          if (address !== undefined) perAddress.release(address);
          const line = `session ${id}${name ? ` (${escapeForLog(name)})` : ''} closed: ${info.kind}: ${escapeForLog(info.reason, 200)}`;
          if (info.kind === 'protocol' || info.kind === 'error') warnPeer('warn', line);
          else log('info', line);
          options.onSessionClose?.(session, info);
        },
      });
      /** Continues a handed-over session: active at once, named from the hand-off state, or refused. */
      const resume = (state: Uint8Array) => {
        options.scheduler.clear(helloTimer);
        let wanted: string;
        try {
          if (!options.onSessionResume) throw new Error('this server does not take handed-over sessions');
          wanted = options.onSessionResume(session, state);
        } catch (e) {
          const reason = `hand-off refused: ${(e as Error).message}`;
          warnPeer('warn', `session ${id}: ${escapeForLog(reason, 200)}`);
          connection.close(reason);
          return;
        }
        name = uniqueName(checkPlayerName(wanted) ? 'player' : wanted, (key) => names.has(key));
        names.add(nameKey(name));
        connection.activate();
        active.set(id, session);
        log('info', `session ${id} (${escapeForLog(name)}) handed over${address ? ` from ${address}` : ''}`);
        gate?.release();
      };
      helloTimer = options.scheduler.set(helloTimeoutMs, () => {
        if (connection.state === 'handshaking') connection.close(`no valid Hello within ${helloTimeoutMs} ms`);
      });
      session = {
        id,
        address,
        get name() { return name; },
        connection,
        send: (channel, messages) => connection.send(channel, messages),
        sendUser: (def, payload) => connection.sendUser(def, payload),
        close: (reason) => connection.close(reason),
        resumed: transport.resume !== undefined,
        movable: transport.moveTo !== undefined,
        moveTo(target, state) {
          if (!transport.moveTo) throw new Error(`session ${id}: its transport cannot move sessions (no TransportSession.moveTo; only bridged sessions move between servers)`);
          transport.moveTo(target, state);
        },
        checkpointable: transport.checkpoint !== undefined,
        checkpoint(region, state) {
          if (!transport.checkpoint) throw new Error(`session ${id}: its transport takes no checkpoints (no TransportSession.checkpoint; only bridged sessions fail over)`);
          transport.checkpoint(region, state);
        },
      };
      all.add(session);
      if (transport.resume !== undefined) resume(transport.resume);
    },
  };
}
