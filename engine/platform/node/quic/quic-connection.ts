/**
 * Drives one quiche connection: feeds it received packets, sends what it produces, runs its timer (quiche says when
 * via `timeout()`), queues stream writes that do not fit the flow-control window, and reports what happened through
 * {@link QuicConnEvents}. Client and server use it alike; the UDP socket and the routing live elsewhere (the
 * endpoint, the client connector). Writes made while handling an event are sent together at the end of it.
 */
import type { HostPort, QuicheConnection } from './quiche.ts';

/** How a connection ended. */
export interface QuicCloseInfo {
  /** local: this side closed it; peer: the peer sent CONNECTION_CLOSE; idle: the idle timeout; transport: quiche
   *  closed it because of what the peer sent. */
  by: 'local' | 'peer' | 'idle' | 'transport';
  /** True for an application (HTTP/3) error code, false for a QUIC transport one. */
  app: boolean;
  /** The error code. */
  code: number;
  /** The reason phrase. */
  reason: string;
}

/** What a connection reports. Handlers may call back into the connection. */
export interface QuicConnEvents {
  /** The handshake completed. */
  onEstablished(): void;
  /** Stream `id` has data (or its end) to read with {@link QuicConn.readStream}. */
  onStreamReadable(id: number): void;
  /** A DATAGRAM frame's payload. */
  onDatagram(bytes: Uint8Array): void;
  /** The connection is closing or closed (called once). */
  onClosed(info: QuicCloseInfo): void;
}

/** One chunk read from a stream. */
export interface StreamChunk {
  /** The bytes (a copy). */
  bytes: Uint8Array;
  /** True when the peer finished (or reset) its side after these bytes. */
  fin: boolean;
}

/** A driven quiche connection. */
export interface QuicConn {
  /** The peer's address. */
  readonly remote: HostPort;
  /** True once the handshake completed. */
  readonly established: boolean;
  /** True once closing began (no more application data). */
  readonly closing: boolean;
  /** The quiche connection (for queries such as the peer certificate). */
  readonly native: QuicheConnection;
  /** Sets the event handlers (before the first packet is fed). */
  setEvents(events: QuicConnEvents): void;
  /** Feeds a UDP payload received from `from`. */
  receive(packet: Uint8Array, from: HostPort): void;
  /** Reads what stream `id` has now, or undefined when nothing is pending. */
  readStream(id: number): StreamChunk | undefined;
  /** Queues bytes on stream `id` (opening it if local and new); `fin` finishes it after them. */
  writeStream(id: number, bytes: Uint8Array, fin?: boolean): void;
  /** Bytes queued on stream `id` that quiche has not taken yet. */
  streamBuffered(id: number): number;
  /** Stops reading (`read`) or resets writing (`write`) on stream `id` with an application code. */
  shutdownStream(id: number, direction: 'read' | 'write', code: number): void;
  /** The next id of a stream this side opens. */
  nextStreamId(kind: 'bidi' | 'uni'): number;
  /** Sends a DATAGRAM frame; false when it was dropped (too large, queue full, closing). */
  sendDatagram(bytes: Uint8Array): boolean;
  /** Largest DATAGRAM payload quiche can send now (0 before the handshake or without peer support). */
  maxDatagramPayload(): number;
  /** Closes the connection (CONNECTION_CLOSE with the code and reason). */
  close(app: boolean, code: number, reason: string): void;
  /** Sends pending packets now and re-arms the timer. */
  flush(): void;
  /** Forgets the connection at once, sending nothing and reporting no close (a first packet quiche could not use). */
  discard(): void;
}

/** Options of {@link createQuicConn}. */
export interface QuicConnOptions {
  /** The quiche connection (from `connect` or `accept`). */
  native: QuicheConnection;
  /** True on the client side (stream ids differ). */
  isClient: boolean;
  /** This side's address as quiche was told. */
  local: HostPort;
  /** The peer's address. */
  remote: HostPort;
  /** Sends one UDP payload (the array is not reused afterwards). */
  sendPacket(bytes: Uint8Array, to: HostPort): void;
  /** Called once when quiche has forgotten the connection (closed, drained). */
  onGone(): void;
}

/** Room for the largest packet quiche writes (its send size is configured at 1350). */
const MAX_PACKET = 1500;

/** quiche's "no more to do" and "try later" errors; nothing is wrong. */
const BENIGN = /^(Done|StreamLimit)\b/;

/** Creates a {@link QuicConn}. */
export function createQuicConn(options: QuicConnOptions): QuicConn {
  const { native, local } = options;
  let remote = options.remote;
  let events: QuicConnEvents | undefined;
  let established = false;
  let closing = false;
  let gone = false;
  let closeInfo: QuicCloseInfo | undefined;
  let depth = 0; // nesting of event handling; packets are sent when it returns to 0
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt = Infinity;
  let nextBidi = options.isClient ? 0 : 1;
  let nextUni = options.isClient ? 2 : 3;
  const sendBuf = new Uint8Array(MAX_PACKET);
  const readBuf = new Uint8Array(65536);
  const pending = new Map<number, { chunks: Uint8Array[]; bytes: number; fin: boolean }>();

  /** Runs `fn` as event handling; then sends, at once or (`later`) with the other packets read in this poll. */
  const guard = (fn: () => void, later = false) => {
    depth++;
    try {
      fn();
    } catch (err) {
      // An event handler failed on something the peer did not cause: close this connection only.
      if (!closing) conn.close(true, 0x102, `internal error: ${(err as Error)?.message ?? String(err)}`);
    } finally {
      depth--;
    }
    if (depth === 0) {
      if (later) queueFlush();
      else conn.flush();
    }
  };

  const writePending = () => {
    for (const [id, q] of pending) {
      while (q.chunks.length > 0) {
        const head = q.chunks[0];
        const last = q.chunks.length === 1;
        let n: number | null;
        try {
          n = native.streamSend(id, head, last && q.fin);
        } catch (err) {
          if (BENIGN.test((err as Error).message)) break;
          pending.delete(id); // stopped or reset by the peer: drop what is queued
          break;
        }
        if (n === null) break;
        q.bytes -= n;
        if (n < head.length) {
          q.chunks[0] = head.subarray(n);
          break;
        }
        q.chunks.shift();
        if (last) q.fin = false;
      }
      if (q.chunks.length === 0 && !q.fin) pending.delete(id);
    }
  };

  const checkClosing = () => {
    if (!closing && (native.isDraining() || native.isClosed() || native.peerError() || native.localError())) {
      closing = true;
      pending.clear();
      const peer = native.peerError();
      const localErr = native.localError();
      const text = (r: Uint8Array | undefined) => (r ? new TextDecoder().decode(r) : '');
      if (closeInfo) { /* we closed it: keep our own reason */ } else if (native.isTimedOut()) {
        closeInfo = { by: 'idle', app: false, code: 0, reason: 'idle timeout' };
      } else if (peer) {
        closeInfo = { by: 'peer', app: peer.isApp, code: peer.errorCode, reason: text(peer.reason) };
      } else if (localErr) {
        closeInfo = { by: 'transport', app: localErr.isApp, code: localErr.errorCode, reason: text(localErr.reason) || `QUIC transport error ${localErr.errorCode}` };
      } else {
        closeInfo = { by: 'transport', app: false, code: 0, reason: 'connection closed' };
      }
      const info = closeInfo;
      events?.onClosed(info);
    }
  };

  const forget = () => {
    gone = true;
    clearTimeout(timer);
    timer = undefined;
    options.onGone();
  };

  /** After a send: quiche has nothing left to do for a closed connection. */
  const checkGone = () => {
    if (!gone && native.isClosed()) forget();
  };

  const armTimer = () => {
    const ms = native.timeout();
    if (ms === null) {
      clearTimeout(timer);
      timer = undefined;
      timerAt = Infinity;
      return;
    }
    const at = performance.now() + ms;
    if (timer && at >= timerAt - 1) return; // the armed timer fires first; it re-arms
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(onTimer, Math.max(0, ms + 1)); // +1: quiche rounds down, firing early does nothing
  };

  const onTimer = () => {
    timer = undefined;
    timerAt = Infinity;
    if (gone) return;
    native.onTimeout();
    guard(() => {});
  };

  // Sending waits for the end of the event loop's current poll phase (setImmediate): every packet that arrived in it
  // is fed first, so one ACK answers them all, and writes made by the application in the same turn share packets.
  let flushQueued = false;
  const queueFlush = () => {
    if (flushQueued) return;
    flushQueued = true;
    setImmediate(() => {
      flushQueued = false;
      conn.flush();
    });
  };
  // Datagrams are real-time: one written outside event handling goes out at the end of the current task (a
  // microtask), not after the event loop's next poll phase, where other sockets' I/O (another connection's packets,
  // an HTTP/2 burst) would hold it for milliseconds. Datagrams written in the same task (one replication pass) still
  // share packets; packets read in one poll are still answered together (queueFlush).
  let flushSoonQueued = false;
  const flushSoon = () => {
    if (flushSoonQueued) return;
    flushSoonQueued = true;
    queueMicrotask(() => {
      flushSoonQueued = false;
      conn.flush();
    });
  };
  const conn: QuicConn = {
    get remote() { return remote; },
    get established() { return established; },
    get closing() { return closing; },
    native,
    setEvents(e) { events = e; },
    receive(packet, from) {
      if (gone) return;
      guard(() => {
        try {
          native.recv(packet, { from, to: local });
        } catch {
          return; // quiche drops a packet it cannot use; a fatal error shows in localError below
        }
        remote = from;
        if (!established && native.isEstablished()) {
          established = true;
          events?.onEstablished();
        }
        if (established && !closing) {
          // readable() builds a napi iterator object: ask first, as most packets carry no stream data.
          if (native.isReadable()) for (const id of native.readable()) {
            events?.onStreamReadable(id);
            if (closing) break;
          }
          for (let d = native.dgramRecvVec(); d !== null && !closing; d = native.dgramRecvVec()) events?.onDatagram(d);
        }
        writePending();
      }, true);
    },
    readStream(id) {
      let r: [number, boolean] | null;
      try {
        r = native.streamRecv(id, readBuf);
      } catch (err) {
        if (BENIGN.test((err as Error).message)) return undefined;
        return { bytes: new Uint8Array(0), fin: true }; // reset by the peer, or gone: the end of this stream
      }
      if (r === null) return undefined;
      return { bytes: readBuf.slice(0, r[0]), fin: r[1] };
    },
    writeStream(id, bytes, fin = false) {
      if (closing) return;
      let q = pending.get(id);
      if (!q) {
        q = { chunks: [], bytes: 0, fin: false };
        pending.set(id, q);
      }
      if (bytes.length > 0) {
        q.chunks.push(bytes);
        q.bytes += bytes.length;
      }
      if (fin) {
        q.fin = true;
        if (q.chunks.length === 0) q.chunks.push(new Uint8Array(0));
      }
      writePending();
      if (depth === 0) queueFlush();
    },
    streamBuffered: (id) => pending.get(id)?.bytes ?? 0,
    shutdownStream(id, direction, code) {
      if (direction === 'write') pending.delete(id);
      try {
        native.streamShutdown(id, direction === 'read' ? 0 : 1, code);
      } catch { /* unknown or already finished stream */ }
      if (depth === 0) queueFlush();
    },
    nextStreamId(kind) {
      const id = kind === 'bidi' ? nextBidi : nextUni;
      if (kind === 'bidi') nextBidi += 4;
      else nextUni += 4;
      return id;
    },
    sendDatagram(bytes) {
      if (closing || !established) return false;
      try {
        native.dgramSend(bytes);
      } catch {
        return false; // too large for the path, or the send queue is full: datagrams may be lost
      }
      if (depth === 0) flushSoon();
      return true;
    },
    maxDatagramPayload() {
      try {
        return native.dgramMaxWritableLen() ?? 0;
      } catch {
        return 0;
      }
    },
    close(app, code, reason) {
      if (closing) return;
      closeInfo = { by: 'local', app, code, reason };
      try {
        native.close(app, code, new TextEncoder().encode(reason.slice(0, 256)));
      } catch { /* already closing */ }
      checkClosing();
      if (depth === 0) conn.flush();
    },
    flush() {
      if (gone) return;
      for (;;) {
        let r: ReturnType<QuicheConnection['send']>;
        try {
          r = native.send(sendBuf);
        } catch {
          break;
        }
        if (r === null) break;
        options.sendPacket(sendBuf.slice(0, r[0]), r[1].to);
      }
      armTimer();
      checkClosing();
      checkGone();
    },
    discard() {
      if (!gone) forget();
    },
  };

  return conn;
}
