/**
 * Per-session budgets for what a peer may send: messages per second for each kind of message, bytes per second for
 * everything, and the largest datagram. They are checked before a message is decoded or answered, so one session can
 * never make the server do (or send) more than a bounded amount of work; a session over budget is closed with a
 * reason naming the budget. The defaults leave an honest client several times its real rate.
 */
import type { FrameItem } from '../protocol/framing.ts';
import { MsgType } from '../protocol/messages.ts';

/** A token bucket's settings: a sustained rate and how much may come at once. */
export interface Rate {
  /** Sustained allowance per second. */
  perSecond: number;
  /** Most that may come at once (the bucket's size). */
  burst: number;
}

/** Kinds of inbound message, each with its own budget; `user` counts every user message (refused ones too). */
export type MessageKind = 'ping' | 'control' | 'input' | 'chat' | 'diagnostics' | 'user';

/** Everything a session may send, per second. */
export interface SessionLimits {
  /** Messages by kind. */
  messages: Record<MessageKind, Rate>;
  /** Bytes received (streams and datagrams together), checked before a frame is decoded. */
  bytes: Rate;
  /** Largest datagram accepted, bytes (SPEC.md: a datagram fits 1200 bytes). */
  maxDatagram: number;
  /** Largest frame body accepted on a stream, bytes (refused from its length prefix, before it is buffered). */
  maxFrame: number;
  /** Most messages in one frame (refused as soon as one too many is decoded). */
  maxMessagesPerFrame: number;
}

/**
 * Default limits. Honest rates, for scale: a client sends 20 InputBundles a second (a few more when catching up), one
 * heartbeat Ping a second per connection, one ChunkAck per column received (a few hundred a second while joining at
 * the 1 MB/s budget), and chat and admin commands at human speed. A game's own messages (user messages) share one
 * budget of 40 a second, burst 80: a game that sends more (one per tick and more) raises it with `limits`.
 */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  messages: {
    ping: { perSecond: 50, burst: 100 },
    control: { perSecond: 1000, burst: 2000 },
    input: { perSecond: 60, burst: 120 },
    chat: { perSecond: 2, burst: 8 },
    diagnostics: { perSecond: 5, burst: 20 },
    user: { perSecond: 40, burst: 80 },
  },
  bytes: { perSecond: 256 * 1024, burst: 2 * 1024 * 1024 },
  maxDatagram: 1200,
  // The largest honest frame is a ChunkHave of 4,096 columns, about 100 KB; clients send one message per frame.
  maxFrame: 256 * 1024,
  maxMessagesPerFrame: 64,
};

/** The budget kind of an inbound message. */
export function messageKind(msg: FrameItem): MessageKind {
  switch (msg.type) {
    case 'user':
      return 'user';
    case MsgType.Ping:
    case MsgType.Pong:
      return 'ping';
    case MsgType.InputBundle:
      return 'input';
    case MsgType.ClientChat:
      return 'chat';
    case MsgType.DiagnosticsRequest:
      return 'diagnostics';
    default:
      return 'control';
  }
}

/** A token bucket on an injected clock (ms). */
export interface TokenBucket {
  /** Takes `n` tokens at time `now`; false (and nothing taken) when there are not enough. */
  take(now: number, n?: number): boolean;
}

/** Creates a full {@link TokenBucket}. */
export function createTokenBucket(rate: Rate): TokenBucket {
  let tokens = rate.burst;
  let at = Number.NaN;
  return {
    take(now, n = 1) {
      if (!Number.isNaN(at)) tokens = Math.min(rate.burst, tokens + ((now - at) / 1000) * rate.perSecond);
      at = now;
      if (tokens < n) return false;
      tokens -= n;
      return true;
    },
  };
}

/** The budgets of one session. */
export interface SessionBudget {
  /** Charges one message; returns the reason when it is over budget. */
  message(now: number, msg: FrameItem): string | undefined;
  /** Charges received bytes; returns the reason when they are over budget. */
  bytes(now: number, n: number): string | undefined;
}

/** Checks a {@link SessionLimits} value; throws RangeError naming the bad field. */
export function checkSessionLimits(limits: SessionLimits): void {
  const rates: Array<[string, Rate]> = [['bytes', limits.bytes], ...Object.entries(limits.messages).map(([k, r]) => [`messages.${k}`, r] as [string, Rate])];
  for (const [key, r] of rates) {
    if (!(r.perSecond > 0) || !(r.burst >= 1)) throw new RangeError(`session limit ${key}: perSecond must be > 0 and burst >= 1; got ${r.perSecond}/s, burst ${r.burst}`);
  }
  for (const [key, min] of [['maxDatagram', 64], ['maxFrame', 1024], ['maxMessagesPerFrame', 1]] as const) {
    if (!Number.isInteger(limits[key]) || limits[key] < min) throw new RangeError(`session limit ${key} must be an integer >= ${min}; got ${limits[key]}`);
  }
}

/** Creates the budgets of one session from `limits`. */
export function createSessionBudget(limits: SessionLimits): SessionBudget {
  const buckets = new Map<MessageKind, TokenBucket>();
  for (const kind of Object.keys(limits.messages) as MessageKind[]) buckets.set(kind, createTokenBucket(limits.messages[kind]));
  const bytes = createTokenBucket(limits.bytes);
  return {
    message(now, msg) {
      const kind = messageKind(msg);
      if (buckets.get(kind)!.take(now)) return undefined;
      const r = limits.messages[kind];
      return `more ${kind} messages than allowed (${r.perSecond}/s, burst ${r.burst})`;
    },
    bytes(now, n) {
      if (bytes.take(now, n)) return undefined;
      return `more bytes than allowed (${limits.bytes.perSecond} B/s, burst ${limits.bytes.burst} B)`;
    },
  };
}

/** `limits` with `overrides` applied per field (for servers and benches that need other budgets). */
export function withLimits(limits: SessionLimits, overrides: SessionLimitOverrides | undefined): SessionLimits {
  if (!overrides) return limits;
  return {
    messages: { ...limits.messages, ...overrides.messages },
    bytes: overrides.bytes ?? limits.bytes,
    maxDatagram: overrides.maxDatagram ?? limits.maxDatagram,
    maxFrame: overrides.maxFrame ?? limits.maxFrame,
    maxMessagesPerFrame: overrides.maxMessagesPerFrame ?? limits.maxMessagesPerFrame,
  };
}

/** Partial {@link SessionLimits}: any kind or field left out keeps its default. */
export interface SessionLimitOverrides {
  /** Message budgets by kind. */
  messages?: Partial<Record<MessageKind, Rate>>;
  /** Byte budget. */
  bytes?: Rate;
  /** Largest datagram. */
  maxDatagram?: number;
  /** Largest inbound frame body. */
  maxFrame?: number;
  /** Most messages per inbound frame. */
  maxMessagesPerFrame?: number;
}
