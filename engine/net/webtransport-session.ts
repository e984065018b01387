/**
 * Adapts a WebTransport session object (the W3C shape: browser `WebTransport`, the Node client of
 * `@fails-components/webtransport`, or its server-side session) to the callback {@link TransportSession}.
 * Uses only web streams, so it runs in Node and browsers alike.
 */
import { createPendingHandlers } from './pending-handlers.ts';
import type { CloseInfo, SessionHandlers, StreamHandlers, StreamKind, TransportSession, TransportStream } from './transport.ts';

/** The subset of the WebTransport interface used here. */
export interface WebTransportLike {
  /** Resolves when the session is established. */
  readonly ready: Promise<unknown>;
  /** Resolves (or rejects) when the session ends. */
  readonly closed: Promise<{ closeCode?: number; reason?: string } | undefined>;
  /** Datagram streams. */
  readonly datagrams: {
    readonly readable: ReadableStream<Uint8Array>;
    createWritable?(): WritableStream<Uint8Array>;
    readonly writable?: WritableStream<Uint8Array>;
  };
  /** Opens a bidirectional stream. */
  createBidirectionalStream(): Promise<{ readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }>;
  /** Opens a unidirectional (send) stream. */
  createUnidirectionalStream(): Promise<WritableStream<Uint8Array>>;
  /** Streams the peer opened, bidirectional. */
  readonly incomingBidirectionalStreams: ReadableStream<{ readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }>;
  /** Streams the peer opened, unidirectional. */
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  /** Closes the session. */
  close(info?: { closeCode?: number; reason?: string }): void;
}

/** Options of {@link adaptWebTransport}. */
export interface AdaptOptions {
  /** True when datagrams ride a reliable mapping (HTTP/2, WebSocket). */
  reliableDatagrams: boolean;
  /** Reported {@link TransportSession.maxDatagramSize} (default 1200, a safe QUIC payload). */
  maxDatagramSize?: number;
  /** The peer's IP address, when known (server side). */
  remoteAddress?: string;
}

const ignore = () => {};

async function pump<T>(stream: ReadableStream<T>, each: (v: T) => void): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      each(value);
    }
  } finally {
    try { reader.releaseLock(); } catch { /* already released or errored */ }
  }
}

/** Wraps `wt` (which may still be connecting) as a {@link TransportSession}. */
export function adaptWebTransport(wt: WebTransportLike, options: AdaptOptions): TransportSession {
  const handlers = createPendingHandlers<SessionHandlers>();
  let closed = false;
  const fireClose = (info: CloseInfo) => {
    if (closed) return;
    closed = true;
    handlers.call((h) => h.onClose(info));
  };
  let datagramWriter: WritableStreamDefaultWriter<Uint8Array> | undefined;

  const readInto = (readable: ReadableStream<Uint8Array>, sh: ReturnType<typeof createPendingHandlers<StreamHandlers>>) => {
    pump(readable, (b) => sh.call((h) => h.onData(b))).then(
      () => sh.call((h) => h.onEnd()),
      () => sh.call((h) => h.onEnd()),
    );
  };

  const makeStream = (kind: StreamKind, local: boolean, writable: Promise<WritableStream<Uint8Array>> | undefined,
    readable: ReadableStream<Uint8Array> | undefined): TransportStream => {
    const sh = createPendingHandlers<StreamHandlers>();
    if (readable) readInto(readable, sh);
    const writer = writable?.then((w) => w.getWriter());
    writer?.catch(ignore);
    let buffered = 0;
    return {
      kind,
      local,
      get buffered() { return buffered; },
      write(bytes) {
        if (!writer) throw new Error('cannot write to a received unidirectional stream');
        if (closed) return;
        const n = bytes.length;
        buffered += n;
        writer.then((w) => w.write(bytes)).then(() => { buffered -= n; }, () => { buffered -= n; });
      },
      end() {
        if (!writer) throw new Error('cannot end a received unidirectional stream');
        writer.then((w) => w.close()).catch(ignore);
      },
      setHandlers: (h) => sh.set(h),
    };
  };

  wt.ready.then(() => {
    pump(wt.datagrams.readable, (b) => handlers.call((h) => h.onDatagram(b))).catch(ignore);
    pump(wt.incomingBidirectionalStreams, (s) => {
      const stream = makeStream('bidi', false, Promise.resolve(s.writable), s.readable);
      handlers.call((h) => h.onStream(stream));
    }).catch(ignore);
    pump(wt.incomingUnidirectionalStreams, (r) => {
      const stream = makeStream('uni', false, undefined, r);
      handlers.call((h) => h.onStream(stream));
    }).catch(ignore);
  }, ignore);
  wt.closed.then(
    (info) => fireClose({ code: info?.closeCode ?? 0, reason: info?.reason ?? '' }),
    (err: unknown) => fireClose({ code: 1, reason: (err as Error)?.message ?? String(err) }),
  );

  return {
    reliableDatagrams: options.reliableDatagrams,
    maxDatagramSize: options.maxDatagramSize ?? 1200,
    remoteAddress: options.remoteAddress,
    sendDatagram(bytes) {
      if (closed) return;
      if (!datagramWriter) {
        const w = wt.datagrams.createWritable ? wt.datagrams.createWritable() : wt.datagrams.writable!;
        datagramWriter = w.getWriter();
      }
      datagramWriter.write(bytes).catch(ignore);
    },
    openStream(kind) {
      if (kind === 'uni') return makeStream('uni', true, wt.createUnidirectionalStream(), undefined);
      const pair = wt.createBidirectionalStream();
      pair.catch(ignore);
      const sh = makeStream('bidi', true, pair.then((p) => p.writable), undefined);
      // Reading starts once the stream exists; route its data to this stream's handlers.
      const inner = createPendingHandlers<StreamHandlers>();
      pair.then((p) => readInto(p.readable, inner), ignore);
      return {
        kind: sh.kind, local: sh.local, write: sh.write, end: sh.end,
        get buffered() { return sh.buffered; },
        setHandlers: (h) => inner.set(h),
      };
    },
    setHandlers: (h) => handlers.set(h),
    close(info) {
      try {
        wt.close({ closeCode: info.code, reason: info.reason });
      } catch { /* already closed */ }
      fireClose(info);
    },
  };
}
