/**
 * The in-memory transport: a server address space inside one process. Every delivery goes through the injected
 * {@link Scheduler} (delay 0), so with a manual scheduler a run is synchronous and repeats exactly; with the
 * real-time scheduler it behaves like a fast local link. Datagrams are reliable here; loss comes from the link
 * conditioner.
 */
import type { Scheduler } from './scheduler.ts';
import { createPendingHandlers } from './pending-handlers.ts';
import type {
  CloseInfo, Connector, SessionHandlers, SessionSink, StreamHandlers, StreamKind, TransportListener, TransportSession,
  TransportStream,
} from './transport.ts';

/** A set of loopback addresses. Own one per test or server; there is no global registry. */
export interface LoopbackNetwork {
  /** Accepts sessions at `address`. Throws if the address is taken. */
  listen(address: string, sink: SessionSink): TransportListener;
  /**
   * A connector to `address`; it fails with "connection refused" when nothing listens there. `from` is the address
   * the server sees (its sessions' `remoteAddress`; default 127.0.0.1).
   */
  connector(address: string, from?: string): Connector;
  /** Sessions open now (both ends counted once per pair). */
  readonly openPairs: number;
}

interface End {
  session: TransportSession;
  peer?: End;
  closed: boolean;
  handlers: ReturnType<typeof createPendingHandlers<SessionHandlers>>;
}

/** Creates a {@link LoopbackNetwork} whose deliveries run on `scheduler`. */
export function createLoopbackNetwork(scheduler: Scheduler): LoopbackNetwork {
  const listeners = new Map<string, { sink: SessionSink; ends: Set<End> }>();
  let openPairs = 0;

  const makeEnd = (remoteAddress?: string): End => {
    const end: End = { closed: false, handlers: createPendingHandlers<SessionHandlers>(), session: undefined as never };
    const later = (fn: () => void) => scheduler.set(0, fn);
    end.session = {
      reliableDatagrams: true,
      maxDatagramSize: 1200,
      remoteAddress,
      sendDatagram(bytes) {
        if (end.closed) return;
        const copy = bytes.slice();
        later(() => { if (!end.peer!.closed) end.peer!.handlers.call((h) => h.onDatagram(copy)); });
      },
      openStream(kind) {
        const pair = makeStreamPair(kind, () => end.closed || end.peer!.closed, later);
        later(() => { if (!end.peer!.closed) end.peer!.handlers.call((h) => h.onStream(pair.remote)); });
        return pair.local;
      },
      setHandlers: (h) => end.handlers.set(h),
      close(info) {
        if (end.closed) return;
        closeBoth(end, info);
      },
    };
    return end;
  };

  const closeBoth = (end: End, info: CloseInfo) => {
    const peer = end.peer!;
    end.closed = true;
    peer.closed = true;
    openPairs--;
    for (const l of listeners.values()) { l.ends.delete(end); l.ends.delete(peer); }
    scheduler.set(0, () => {
      end.handlers.call((h) => h.onClose(info));
      peer.handlers.call((h) => h.onClose(info));
    });
  };

  return {
    get openPairs() { return openPairs; },
    listen(address, sink) {
      if (listeners.has(address)) throw new Error(`loopback address ${address} is in use`);
      const entry = { sink, ends: new Set<End>() };
      listeners.set(address, entry);
      return {
        close: async () => {
          if (listeners.get(address) !== entry) return;
          listeners.delete(address);
          for (const e of [...entry.ends]) if (!e.closed) closeBoth(e, { code: 0, reason: 'server stopped' });
        },
      };
    },
    connector: (address, from = '127.0.0.1') => (done) => {
      scheduler.set(0, () => {
        const l = listeners.get(address);
        if (!l) {
          done(new Error(`loopback ${address}: connection refused`));
          return;
        }
        const client = makeEnd();
        const server = makeEnd(from);
        client.peer = server;
        server.peer = client;
        openPairs++;
        l.ends.add(server);
        l.sink(server.session);
        done(client.session);
      });
    },
  };
}

function makeStreamPair(kind: StreamKind, closed: () => boolean, later: (fn: () => void) => void) {
  const localIn = createPendingHandlers<StreamHandlers>();
  const remoteIn = createPendingHandlers<StreamHandlers>();
  const make = (local: boolean, inbox: typeof localIn, peerInbox: typeof localIn): TransportStream => {
    let buffered = 0;
    return {
      kind,
      local,
      get buffered() { return buffered; },
      write(bytes) {
        if (kind === 'uni' && !local) throw new Error('cannot write to a received unidirectional stream');
        if (closed()) return;
        const copy = bytes.slice();
        buffered += copy.length;
        later(() => {
          buffered -= copy.length;
          if (!closed()) peerInbox.call((h) => h.onData(copy));
        });
      },
      end() {
        if (kind === 'uni' && !local) throw new Error('cannot end a received unidirectional stream');
        later(() => { if (!closed()) peerInbox.call((h) => h.onEnd()); });
      },
      setHandlers: (h) => inbox.set(h),
    };
  };
  return { local: make(true, localIn, remoteIn), remote: make(false, remoteIn, localIn) };
}
