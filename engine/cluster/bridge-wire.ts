/**
 * The session bridge's wire (Node only): subjects, the open request and its reply, the per-session messages and
 * their strict decoding, and the bridge's validated options. Messages are msgpack arrays `[op, ...fields]`; a
 * message that does not decode to exactly one of the shapes below throws a {@link BridgeWireError} naming what is
 * wrong, so the receiver closes that one session and nothing else.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Packr } from 'msgpackr';
import type { StreamKind } from '../net/transport.ts';

/** Prefix of every session-bridge subject. */
export const BRIDGE_SUBJECT_PREFIX = 'stratum.sess';

/** Bytes of stream data carried by one message at most (writes are split; NATS's default max payload is 1 MB). */
export const BRIDGE_MAX_CHUNK = 32 * 1024;

/** Longest close reason carried (longer ones are cut). */
export const BRIDGE_MAX_REASON = 1024;

/** Bytes of hand-off state a `move` or `checkpoint` (and the open it causes) carries at most; NATS's default max payload is 1 MiB. */
export const BRIDGE_MAX_STATE = 768 * 1024;

/** Client streams one resuming open lists at most. */
export const BRIDGE_MAX_RESUMED_STREAMS = 256;

/** Reason of the close a shard's bridge server sends its sessions when it stops (the gateway may re-attach them). */
export const BRIDGE_SHARD_STOPPED = 'shard stopped';

/** Close code of sessions the bridge itself ends (malformed message, budget, silent peer, open refused). */
export const BRIDGE_CLOSE_CODE = 1;

/** `reason` cut to {@link BRIDGE_MAX_REASON} characters. */
export const cutReason = (reason: string): string => reason.slice(0, BRIDGE_MAX_REASON);

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `id` can be one token of a subject (letters, digits, `_`, `-`; 1..64 characters). */
export function checkBridgeId(key: string, id: unknown): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new RangeError(`${key} must be 1..64 characters of letters, digits, '_' or '-', got '${String(id)}'`);
  }
  return id;
}

/** The subject a shard answers session opens on. */
export function openSubject(shard: string): string {
  return `${BRIDGE_SUBJECT_PREFIX}.${shard}.open`;
}

/** The subject of one session's gateway-to-shard messages. */
export function upSubject(shard: string, key: string): string {
  return `${BRIDGE_SUBJECT_PREFIX}.${shard}.${key}.up`;
}

/** The subject of one session's shard-to-gateway messages. */
export function downSubject(gateway: string, key: string): string {
  return `${BRIDGE_SUBJECT_PREFIX}.${gateway}.${key}.down`;
}

/** Timings and budgets of a bridge end. */
export interface BridgeTimings {
  /** Heartbeat interval in ms (integer, 50..60000; default 1000). */
  heartbeatMs: number;
  /** A session whose peer sent nothing for this long is closed (integer, 2 * heartbeatMs..600000; default 5 * heartbeatMs). */
  timeoutMs: number;
  /** How long a gateway waits for the shard to answer an open (integer, 100..60000; default 5000). */
  openTimeoutMs: number;
  /** Bytes of one stream the other side has not taken, at most; beyond it the session is closed (integer, 65536..1073741824; default 4 MiB). */
  maxQueuedBytes: number;
}

function intInRange(key: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${key} must be an integer in ${min}..${max}, got ${v}`);
  return v;
}

/** Validated {@link BridgeTimings}; a bad value names the option and its allowed range. */
export function bridgeTimings(options: Partial<BridgeTimings> = {}): BridgeTimings {
  const heartbeatMs = intInRange('heartbeatMs', options.heartbeatMs ?? 1000, 50, 60_000);
  const timeoutMs = intInRange('timeoutMs', options.timeoutMs ?? Math.min(600_000, 5 * heartbeatMs), 2 * heartbeatMs, 600_000);
  const openTimeoutMs = intInRange('openTimeoutMs', options.openTimeoutMs ?? 5000, 100, 60_000);
  const maxQueuedBytes = intInRange('maxQueuedBytes', options.maxQueuedBytes ?? 4 * 1024 * 1024, 65_536, 1 << 30);
  return { heartbeatMs, timeoutMs, openTimeoutMs, maxQueuedBytes };
}

/** A gateway's request to open a session on a shard. */
export interface OpenRequest {
  /** Wire version (1). */
  v: 1;
  /** The session's key, unique across gateways (a subject token). */
  key: string;
  /** The gateway's id: the shard answers on `stratum.sess.<gateway>.<key>.down`. */
  gateway: string;
  /** The player's address as the gateway's endpoint saw it. */
  address?: string;
  /** The client session's largest datagram. */
  maxDatagramSize: number;
  /** Whether the client session's datagrams are reliable. */
  reliableDatagrams: boolean;
  /** The gateway's heartbeat interval in ms. */
  heartbeatMs: number;
  /** Set when the session moves here from another shard: the hand-off state that shard passed to `moveTo`. */
  resume?: Uint8Array;
  /** With `resume`: the streams the client opened and has not finished, which the shard receives again as opened. */
  streams?: ResumedStream[];
}

/** A client stream carried over to the shard a session moves to. */
export interface ResumedStream {
  /** The stream's id (even: the client opened it); the new shard uses it as is. */
  id: number;
  /** Its kind. */
  kind: StreamKind;
  /** The first byte the client wrote on it (its channel header), when it wrote one. */
  header?: number;
}

/** A shard's answer to an {@link OpenRequest}. */
export type OpenReply = { ok: true; heartbeatMs: number } | { ok: false; reason: string };

/** How many bytes of one client stream a shard received (see the `move` message). */
export interface StreamReceipt {
  /** The stream's id. */
  id: number;
  /** Bytes of stream data received over the bridge on it (a resumed stream's header byte not counted). */
  bytes: number;
}

/**
 * One message of a bridged session. Stream ids are even when the gateway's client opened them, odd for the shard's.
 * `ack` (gateway to shard) counts shard bytes the client's streams took; `got` (shard to gateway) counts client bytes
 * the shard received, so the gateway can forget them; `move` carries each stream's total received, so the gateway
 * re-sends to the new shard exactly what the old one did not get.
 */
export type BridgeMessage =
  | { op: 'datagram'; bytes: Uint8Array }
  | { op: 'open'; id: number; kind: StreamKind }
  | { op: 'data'; id: number; bytes: Uint8Array }
  | { op: 'end'; id: number }
  | { op: 'close'; code: number; reason: string }
  | { op: 'beat' }
  | { op: 'ack'; id: number; bytes: number }
  | { op: 'move'; target: string; state: Uint8Array; received: StreamReceipt[] }
  | { op: 'got'; id: number; bytes: number }
  | { op: 'checkpoint'; region: string; state: Uint8Array };

/** Wire ids of the ops are their indexes here (0..9); append only, never reorder. */
const OPS = ['datagram', 'open', 'data', 'end', 'close', 'beat', 'ack', 'move', 'got', 'checkpoint'] as const;

/** A bridge message (or open request) that is not well formed. */
export class BridgeWireError extends Error {
  /** Names the problem. */
  constructor(message: string) {
    super(message);
    this.name = 'BridgeWireError';
  }
}

const packr = new Packr({ useRecords: false, moreTypes: false });

/** Encodes a session message. */
export function encodeBridgeMessage(m: BridgeMessage): Uint8Array {
  const op = OPS.indexOf(m.op);
  switch (m.op) {
    case 'datagram': return packr.pack([op, m.bytes]);
    case 'open': return packr.pack([op, m.id, m.kind === 'bidi' ? 0 : 1]);
    case 'data': return packr.pack([op, m.id, m.bytes]);
    case 'end': return packr.pack([op, m.id]);
    case 'close': return packr.pack([op, m.code, m.reason.slice(0, BRIDGE_MAX_REASON)]);
    case 'beat': return packr.pack([op]);
    case 'ack': return packr.pack([op, m.id, m.bytes]);
    case 'move': return packr.pack([op, m.target, m.state, m.received.flatMap((r) => [r.id, r.bytes])]);
    case 'got': return packr.pack([op, m.id, m.bytes]);
    case 'checkpoint': return packr.pack([op, m.region, m.state]);
  }
}

function unpack(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (err) {
    throw new BridgeWireError(`not msgpack (${(err as Error).message})`);
  }
}

function streamId(v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 0x7fffffff) throw new BridgeWireError(`bad stream id ${String(v)}`);
  return v as number;
}

function bin(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new BridgeWireError(`${what} is not bytes`);
  return v;
}

/** A subject-token-safe id field (`what` names it in the error). */
function wireId(v: unknown, what: string): string {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) throw new BridgeWireError(`bad ${what} ${JSON.stringify(v)}`);
  return v;
}

function handOffState(v: unknown, what: string): Uint8Array {
  const state = bin(v, what);
  if (state.length > BRIDGE_MAX_STATE) throw new BridgeWireError(`${what} has ${state.length} bytes (at most ${BRIDGE_MAX_STATE})`);
  return state;
}

function receipts(v: unknown): StreamReceipt[] {
  if (!Array.isArray(v) || v.length % 2 !== 0) throw new BridgeWireError('move received is not a list of (stream id, bytes) pairs');
  const out: StreamReceipt[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < v.length; i += 2) {
    const id = streamId(v[i]);
    if (seen.has(id)) throw new BridgeWireError(`move received lists stream ${id} twice`);
    if (!Number.isSafeInteger(v[i + 1]) || v[i + 1] < 0) throw new BridgeWireError(`move received has a bad count ${String(v[i + 1])} for stream ${id}`);
    seen.add(id);
    out.push({ id, bytes: v[i + 1] });
  }
  return out;
}

/** Decodes a session message; throws {@link BridgeWireError} for anything else. */
export function decodeBridgeMessage(bytes: Uint8Array): BridgeMessage {
  const a = unpack(bytes);
  if (!Array.isArray(a) || a.length === 0) throw new BridgeWireError('not a bridge message (an array [op, ...])');
  const op = OPS[a[0] as number];
  const arity = { datagram: 2, open: 3, data: 3, end: 2, close: 3, beat: 1, ack: 3, move: 4, got: 3, checkpoint: 3 } as const;
  if (!Number.isInteger(a[0]) || op === undefined) throw new BridgeWireError(`unknown op ${JSON.stringify(a[0])}`);
  if (a.length !== arity[op]) throw new BridgeWireError(`${op} has ${a.length - 1} fields, not ${arity[op] - 1}`);
  switch (op) {
    case 'datagram': return { op, bytes: bin(a[1], 'datagram') };
    case 'open':
      if (a[2] !== 0 && a[2] !== 1) throw new BridgeWireError(`bad stream kind ${JSON.stringify(a[2])}`);
      return { op, id: streamId(a[1]), kind: a[2] === 0 ? 'bidi' : 'uni' };
    case 'data': return { op, id: streamId(a[1]), bytes: bin(a[2], 'stream data') };
    case 'end': return { op, id: streamId(a[1]) };
    case 'close':
      if (!Number.isInteger(a[1]) || typeof a[2] !== 'string' || a[2].length > BRIDGE_MAX_REASON) throw new BridgeWireError('bad close (code, reason)');
      return { op, code: a[1] as number, reason: a[2] };
    case 'beat': return { op };
    case 'ack':
    case 'got':
      if (!Number.isSafeInteger(a[2]) || (a[2] as number) <= 0) throw new BridgeWireError(`bad ${op} count ${String(a[2])}`);
      return { op, id: streamId(a[1]), bytes: a[2] as number };
    case 'move': return { op, target: wireId(a[1], 'move target'), state: handOffState(a[2], 'move state'), received: receipts(a[3]) };
    case 'checkpoint': return { op, region: wireId(a[1], 'checkpoint region'), state: handOffState(a[2], 'checkpoint state') };
  }
}

/** Encodes an open request or reply. */
export function encodeOpen(m: OpenRequest | OpenReply): Uint8Array {
  return packr.pack(m);
}

function resumedStreams(v: unknown): void {
  if (!Array.isArray(v) || v.length > BRIDGE_MAX_RESUMED_STREAMS) {
    throw new BridgeWireError(`open request streams is not a list of at most ${BRIDGE_MAX_RESUMED_STREAMS}`);
  }
  const seen = new Set<number>();
  for (const s of v as Array<Partial<ResumedStream> | null>) {
    if (typeof s !== 'object' || s === null) throw new BridgeWireError('open request has a stream that is not a map');
    const id = streamId(s.id);
    if (id % 2 !== 0 || seen.has(id)) throw new BridgeWireError(`open request stream ${id} is odd or listed twice`);
    seen.add(id);
    if (s.kind !== 'bidi' && s.kind !== 'uni') throw new BridgeWireError(`open request stream ${id} has a bad kind`);
    if (s.header !== undefined && (!Number.isInteger(s.header) || s.header < 0 || s.header > 255)) {
      throw new BridgeWireError(`open request stream ${id} has a bad header byte`);
    }
  }
}

/** Decodes and checks an {@link OpenRequest}; throws {@link BridgeWireError} naming the bad field. */
export function decodeOpenRequest(bytes: Uint8Array): OpenRequest {
  const o = unpack(bytes) as Partial<OpenRequest> | null;
  if (typeof o !== 'object' || o === null) throw new BridgeWireError('open request is not a map');
  if (o.v !== 1) throw new BridgeWireError(`open request version ${String(o.v)} is not 1`);
  if (typeof o.key !== 'string' || !ID_PATTERN.test(o.key)) throw new BridgeWireError('open request has a bad key');
  if (typeof o.gateway !== 'string' || !ID_PATTERN.test(o.gateway)) throw new BridgeWireError('open request has a bad gateway');
  if (o.address !== undefined && (typeof o.address !== 'string' || o.address.length > 128)) throw new BridgeWireError('open request has a bad address');
  if (!Number.isInteger(o.maxDatagramSize) || o.maxDatagramSize! < 1 || o.maxDatagramSize! > 65_536) throw new BridgeWireError('open request has a bad maxDatagramSize');
  if (typeof o.reliableDatagrams !== 'boolean') throw new BridgeWireError('open request has a bad reliableDatagrams');
  if (!Number.isInteger(o.heartbeatMs) || o.heartbeatMs! < 1) throw new BridgeWireError('open request has a bad heartbeatMs');
  if (o.resume !== undefined) handOffState(o.resume, 'open request resume');
  if (o.streams !== undefined) {
    if (o.resume === undefined) throw new BridgeWireError('open request has streams without resume');
    resumedStreams(o.streams);
  }
  return o as OpenRequest;
}

/** Decodes and checks an {@link OpenReply}. */
export function decodeOpenReply(bytes: Uint8Array): OpenReply {
  const o = unpack(bytes) as Partial<{ ok: unknown; heartbeatMs: unknown; reason: unknown }> | null;
  if (typeof o !== 'object' || o === null) throw new BridgeWireError('open reply is not a map');
  if (o.ok === true && Number.isInteger(o.heartbeatMs) && (o.heartbeatMs as number) > 0) return { ok: true, heartbeatMs: o.heartbeatMs as number };
  if (o.ok === false && typeof o.reason === 'string') return { ok: false, reason: o.reason.slice(0, BRIDGE_MAX_REASON) };
  throw new BridgeWireError('open reply is neither {ok: true, heartbeatMs} nor {ok: false, reason}');
}

/** Publishes `m` on `subject`, splitting stream data into chunks of at most {@link BRIDGE_MAX_CHUNK} bytes. */
export function publishBridgeMessage(nc: NatsConnection, subject: string, m: BridgeMessage): void {
  if (m.op === 'data' && m.bytes.length > BRIDGE_MAX_CHUNK) {
    for (let at = 0; at < m.bytes.length; at += BRIDGE_MAX_CHUNK) {
      nc.publish(subject, encodeBridgeMessage({ op: 'data', id: m.id, bytes: m.bytes.subarray(at, at + BRIDGE_MAX_CHUNK) }));
    }
    return;
  }
  nc.publish(subject, encodeBridgeMessage(m));
}
