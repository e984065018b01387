/**
 * An in-memory transport whose sessions can move between servers, as the gateway's bridged sessions do
 * (transport.ts `moveTo`/`resume`): the client end stays; `moveTo(target, state)` on the server end finishes it
 * (its `onClose` says `moved to <target>`) and re-opens the session on `target` with `resume = state`. The client's
 * bidirectional streams arrive there again as just opened, each with its header byte first; the first uni stream the
 * new server opens with a header byte the client already has continues that stream (the header is not repeated).
 * Server ends take fail-over checkpoints (`checkpoint`), as the gateway does: the network keeps each link's latest and
 * records every one; `failOver(address, ...)` plays a dead server at `address`: its ends go silent (nothing more
 * reaches or leaves them, no close anywhere) and each of its sessions re-opens elsewhere with `resume` = the latest
 * checkpoint (moved as by `moveTo`), or is closed without one.
 * Deliveries go through the scheduler (delay 0), in order, so a run on a manual scheduler is repeatable.
 */
import { createPendingHandlers, type PendingHandlers } from '../../engine/net/pending-handlers.ts';
import type { Scheduler } from '../../engine/net/scheduler.ts';
import type {
  CloseInfo, Connector, SessionHandlers, SessionSink, StreamHandlers, TransportListener, TransportSession, TransportStream,
} from '../../engine/net/transport.ts';

/** A set of addresses whose sessions can move between them. */
export interface MovableNetwork {
  /** Accepts sessions (new and moved) at `address`. */
  listen(address: string, sink: SessionSink): TransportListener;
  /** A connector to `address`; the server sees `from` as the remote address. */
  connector(address: string, from?: string): Connector;
  /** Moves done so far (`moveTo`; fail-overs are not counted). */
  readonly moves: number;
  /** Every checkpoint left so far, in order: the client's address, the server's, the region and the state. */
  readonly checkpoints: ReadonlyArray<Checkpoint>;
  /**
   * The server at `address` dies: each of its sessions re-opens on `targetOf(region)` of its latest checkpoint with
   * `resume` = `tamper(from, state)` (default: the state as left), or is closed (reason `server lost`) without one.
   * Returns the client addresses re-opened.
   */
  failOver(address: string, targetOf: (region: string) => string, tamper?: (from: string, state: Uint8Array) => Uint8Array): string[];
}

/** A checkpoint a server end left. */
export interface Checkpoint {
  /** The client's address (the link's `from`). */
  from: string;
  /** The server's address. */
  at: string;
  /** Its region key. */
  region: string;
  /** Its state. */
  state: Uint8Array;
}

type Inbox = PendingHandlers<StreamHandlers>;

/** One server end of a link: a session that ends when the link moves on. */
interface ServerEnd {
  session: TransportSession;
  handlers: PendingHandlers<SessionHandlers>;
  finished: boolean;
}

/** A stream the client opened: its header, the client's inbox, and the current server end's inbox. */
interface ClientBidi { header: number | undefined; clientIn: Inbox; serverIn: Inbox }

/** Creates a {@link MovableNetwork} delivering on `scheduler`. */
export function createMovableNetwork(scheduler: Scheduler): MovableNetwork {
  const sinks = new Map<string, SessionSink>();
  const later = (fn: () => void) => scheduler.set(0, fn);
  let moves = 0;
  const checkpoints: Checkpoint[] = [];
  /** Each open link's fail-over, by the address of its current server. */
  const failers = new Map<string, Set<{ from: string; fail(targetOf: (region: string) => string, tamper?: (from: string, state: Uint8Array) => Uint8Array): void }>>();

  const link = (address: string, from: string): TransportSession => {
    const clientHandlers = createPendingHandlers<SessionHandlers>();
    const bidis: ClientBidi[] = [];
    const unis = new Map<number, Inbox>(); // the client's received uni streams, by header byte
    let closed = false;
    let server!: ServerEnd;
    let at = address;
    let latest: Checkpoint | undefined;

    const closeAll = (info: CloseInfo) => {
      if (closed) return;
      closed = true;
      const end = server;
      later(() => { clientHandlers.call((h) => h.onClose(info)); if (!end.finished) end.handlers.call((h) => h.onClose(info)); });
    };

    /** The server side of a client bidi stream, for server end `end`. */
    const serverBidi = (b: ClientBidi, end: ServerEnd): TransportStream => ({
      kind: 'bidi', local: false, buffered: 0,
      write(bytes) { const c = bytes.slice(); if (!end.finished && !closed) later(() => { if (!closed) b.clientIn.call((h) => h.onData(c)); }); },
      end() { later(() => b.clientIn.call((h) => h.onEnd())); },
      setHandlers: (h) => b.serverIn.set(h),
    });

    /** A uni stream server end `end` opens: a new client stream, or the continuation of one with the same header. */
    const serverUni = (end: ServerEnd): TransportStream => {
      let target: Inbox | undefined;
      return {
        kind: 'uni', local: true, buffered: 0,
        write(bytes) {
          if (end.finished || closed) return;
          let c = bytes.slice();
          if (!target) {
            const known = unis.get(c[0]);
            if (known) { target = known; c = c.subarray(1); } else {
              target = createPendingHandlers<StreamHandlers>();
              unis.set(c[0], target);
              const inbox = target;
              const remote: TransportStream = {
                kind: 'uni', local: false, buffered: 0,
                write() { throw new Error('cannot write to a received unidirectional stream'); },
                end() { throw new Error('cannot end a received unidirectional stream'); },
                setHandlers: (h) => inbox.set(h),
              };
              later(() => clientHandlers.call((h) => h.onStream(remote)));
            }
          }
          const inbox = target;
          if (c.length) later(() => { if (!closed) inbox.call((h) => h.onData(c)); });
        },
        end() {},
        setHandlers() {},
      };
    };

    /** Finishes the current end and re-opens the session on `target` with `state`. */
    const reopen = (target: string, state: Uint8Array, why: string) => {
      const sink = sinks.get(target);
      if (!sink) throw new Error(`movable network: no server at ${target}`);
      const end = server;
      end.finished = true;
      latest = undefined; // the target has newer state
      const next = makeServerEnd(state.slice());
      server = next;
      failers.get(at)?.delete(failer);
      at = target;
      if (!failers.has(at)) failers.set(at, new Set());
      failers.get(at)!.add(failer);
      // The client's streams arrive on the new end as just opened, header first (queued until it listens).
      for (const b of bidis) {
        b.serverIn = createPendingHandlers<StreamHandlers>();
        const s = serverBidi(b, next);
        const header = Uint8Array.of(b.header!);
        b.serverIn.call((h) => h.onData(header));
        next.handlers.call((h) => h.onStream(s));
      }
      if (why) later(() => end.handlers.call((h) => h.onClose({ code: 0, reason: why })));
      later(() => sink(next.session));
    };

    const failer = {
      from,
      fail(targetOf: (region: string) => string, tamper?: (from: string, state: Uint8Array) => Uint8Array) {
        if (closed) return;
        if (!latest) {
          server.finished = true; // dead: it hears of nothing
          closeAll({ code: 0, reason: 'server lost' });
          return;
        }
        const { region, state } = latest;
        reopen(targetOf(region), tamper ? tamper(from, state) : state, '');
      },
    };

    const makeServerEnd = (resume?: Uint8Array): ServerEnd => {
      const end: ServerEnd = { finished: false, handlers: createPendingHandlers<SessionHandlers>(), session: undefined as never };
      end.session = {
        reliableDatagrams: true, maxDatagramSize: 1200, remoteAddress: from, resume,
        sendDatagram(bytes) { const c = bytes.slice(); if (!end.finished && !closed) later(() => { if (!closed) clientHandlers.call((h) => h.onDatagram(c)); }); },
        openStream(kind) {
          if (kind !== 'uni') throw new Error('this test transport lets servers open uni streams only');
          return serverUni(end);
        },
        setHandlers: (h) => end.handlers.set(h),
        close(info) { if (!end.finished) closeAll(info); },
        moveTo(target, state) {
          if (!sinks.has(target)) throw new Error(`movable network: no server at ${target}`);
          if (end.finished || closed) throw new Error('movable network: the session has ended');
          moves++;
          reopen(target, state, `moved to ${target}`);
        },
        checkpoint(region, state) {
          if (end.finished || closed) return;
          latest = { from, at, region, state: state.slice() };
          checkpoints.push(latest);
        },
      };
      return end;
    };

    server = makeServerEnd();
    if (!failers.has(at)) failers.set(at, new Set());
    failers.get(at)!.add(failer);
    const client: TransportSession = {
      reliableDatagrams: true, maxDatagramSize: 1200,
      sendDatagram(bytes) { const c = bytes.slice(); if (!closed) later(() => { if (!closed && !server.finished) server.handlers.call((h) => h.onDatagram(c)); }); },
      openStream(kind) {
        if (kind !== 'bidi') throw new Error('this test transport lets clients open bidi streams only');
        const b: ClientBidi = { header: undefined, clientIn: createPendingHandlers<StreamHandlers>(), serverIn: createPendingHandlers<StreamHandlers>() };
        bidis.push(b);
        const s = serverBidi(b, server);
        const end = server;
        later(() => end.handlers.call((h) => h.onStream(s)));
        return {
          kind: 'bidi', local: true, buffered: 0,
          write(bytes) {
            if (closed) return;
            if (b.header === undefined) b.header = bytes[0];
            const c = bytes.slice();
            // Bound at delivery: bytes still on their way when the session moves reach the new server (after the header).
            later(() => { if (!closed) b.serverIn.call((h) => h.onData(c)); });
          },
          end() { later(() => b.serverIn.call((h) => h.onEnd())); },
          setHandlers: (h) => b.clientIn.set(h),
        };
      },
      setHandlers: (h) => clientHandlers.set(h),
      close: (info) => closeAll(info),
    };
    const sink = sinks.get(address);
    if (!sink) throw new Error(`movable network: connection refused at ${address}`);
    later(() => sink(server.session));
    return client;
  };

  return {
    get moves() { return moves; },
    checkpoints,
    failOver(address, targetOf, tamper) {
      const links = [...(failers.get(address) ?? [])];
      for (const l of links) l.fail(targetOf, tamper);
      return links.map((l) => l.from);
    },
    listen(address, sink) {
      if (sinks.has(address)) throw new Error(`movable network: ${address} is in use`);
      sinks.set(address, sink);
      return { close: async () => { sinks.delete(address); } };
    },
    connector: (address, from = '127.0.0.1') => (done) => {
      later(() => {
        try { done(link(address, from)); } catch (e) { done(e as Error); }
      });
    },
  };
}
