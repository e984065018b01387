/**
 * Raw client sessions over a real transport, for hostile tests: the test writes frames or bytes itself. What comes
 * back is only stored on arrival (bytes per stream, datagrams) and decoded afterwards, so that the attacker's own
 * work stays small while an attack is measured (it shares the process with the server under test).
 */
import { Channel } from '../../engine/net/channels.ts';
import type { Connector, TransportSession, TransportStream } from '../../engine/net/transport.ts';
import { createFrameReader, decodeDatagram, decodeFrameBody, encodeFrame } from '../../engine/protocol/framing.ts';
import { makeHello, type ProtocolIdentity } from '../../engine/protocol/handshake.ts';
import { MsgType, type Message } from '../../engine/protocol/messages.ts';

/** A raw session and what the server sent on it. */
export interface RawSession {
  /** The client end of the transport session. */
  readonly session: TransportSession;
  /** The control stream (its header byte written). */
  readonly control: TransportStream;
  /** Bytes received on each stream, by channel: the client's own bidi streams, and uni streams by their header. */
  readonly received: Map<number, Uint8Array[]>;
  /** Datagrams received. */
  readonly datagrams: readonly Uint8Array[];
  /** When the session was opened (performance.now). */
  readonly openedAt: number;
  /** When the session ended (performance.now), NaN while open. */
  readonly closedAt: number;
  /** Why the session ended (the server's Disconnect reason when one came, else the transport's); undefined while open. */
  readonly closed: string | undefined;
  /** Resolves once the session has ended, with the transport's reason (read {@link closed} for the server's). */
  readonly whenClosed: Promise<string>;
  /** Opens a bidi stream for `channel` (header written); what the server answers on it is recorded. */
  open(channel: number): TransportStream;
  /** Decodes every frame received on `channel` so far (throws on a malformed one). */
  messages(channel: number): Message[];
  /** Decodes every datagram received so far. */
  datagramMessages(): Message[];
  /** Closes the session from this side (no-op once closed). */
  close(reason: string): void;
}

/** Opens a raw session through `connect`; only the control stream's header is written. */
export function openRawSession(connect: Connector): Promise<RawSession> {
  return new Promise((resolve, reject) => connect((r) => (r instanceof Error ? reject(r) : resolve(wrap(r)))));
}

/** Opens a raw session, sends a Hello as `name` and waits for the Welcome (rejects on a Reject, a close or a timeout). */
export async function joinRawSession(connect: Connector, identity: ProtocolIdentity, name: string, timeoutMs = 10_000): Promise<RawSession> {
  const raw = await openRawSession(connect);
  raw.control.write(encodeFrame([makeHello(identity, name)]));
  const end = performance.now() + timeoutMs;
  for (;;) {
    const got = raw.messages(Channel.Control);
    if (got.some((m) => m.type === MsgType.Welcome)) return raw;
    const reject = got.find((m) => m.type === MsgType.Reject);
    if (reject || raw.closed !== undefined || performance.now() > end) {
      raw.close('handshake failed');
      throw new Error(`raw session '${name}' not welcomed: ${reject && 'reason' in reject ? reject.reason : raw.closed ?? 'timed out'}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Decodes the frames in `chunks` (bytes of one stream, in order). */
export function decodeStream(chunks: readonly Uint8Array[]): Message[] {
  const reader = createFrameReader();
  return chunks.flatMap((b) => reader.push(b)).flatMap((body) => decodeFrameBody(body));
}

function wrap(session: TransportSession): RawSession {
  const received = new Map<number, Uint8Array[]>();
  const datagrams: Uint8Array[] = [];
  const openedAt = performance.now();
  let closedAt = Number.NaN;
  let transportReason: string | undefined;
  let reason: string | undefined; // decoded on first read, not on arrival (see the file comment)
  let done: (reason: string) => void = () => {};
  const whenClosed = new Promise<string>((r) => { done = r; });
  const record = (s: TransportStream, channel: number | undefined) => {
    let ch = channel;
    s.setHandlers({
      onData: (b) => {
        if (ch === undefined) { // a server-opened uni stream names its channel first
          if (b.length === 0) return;
          ch = b[0];
          b = b.subarray(1);
        }
        if (!received.has(ch)) received.set(ch, []);
        received.get(ch)!.push(b);
      },
      onEnd: () => {},
    });
  };
  const open = (channel: number) => {
    const s = session.openStream('bidi');
    s.write(Uint8Array.of(channel));
    record(s, channel);
    return s;
  };
  session.setHandlers({
    onDatagram: (b) => { datagrams.push(b); },
    onStream: (s) => record(s, undefined),
    onClose: (info) => {
      if (transportReason !== undefined) return;
      transportReason = info.reason;
      closedAt = performance.now();
      done(info.reason);
    },
  });
  const control = open(Channel.Control);
  return {
    session, control, received, whenClosed, open, datagrams, openedAt,
    get closedAt() { return closedAt; },
    get closed() {
      if (transportReason === undefined) return undefined;
      reason ??= disconnectReason(received.get(Channel.Control) ?? []) ?? transportReason;
      return reason;
    },
    messages: (channel) => decodeStream(received.get(channel) ?? []),
    datagramMessages: () => datagrams.flatMap((d) => decodeDatagram(d)),
    close(why) { if (transportReason === undefined) session.close({ code: 0, reason: why }); },
  };
}

/** The reason of the last Disconnect on a control stream, if its frames decode. */
function disconnectReason(chunks: readonly Uint8Array[]): string | undefined {
  try {
    const bye = decodeStream(chunks).filter((m) => m.type === MsgType.Disconnect).pop();
    return bye && 'reason' in bye ? bye.reason : undefined;
  } catch {
    return undefined;
  }
}
