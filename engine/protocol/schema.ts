/**
 * The canonical schema of every engine message: field names, order and types. It drives the payload codec
 * (`codec.ts`), the validation of received payloads, and the messages section of every protocol definition
 * (canonical.ts), so that changing any field (name, type, order, limit) changes the schema hash and old clients are
 * refused at the handshake.
 */
import type { Hasher } from '../hash.ts';
import { hex64 } from '../hash.ts';
import { INPUT_BUNDLE_CODEC } from './input-bundle.ts';
import { MsgType } from './messages.ts';

/** A field's wire type. Integers are range-checked on decode; lengths are maxima. */
export type FieldType =
  | 'u8' | 'u16' | 'u32' | 'i8' | 'i32'
  /** Any finite float64. */
  | 'f64'
  | 'bool'
  /** 16 lowercase hex digits (a 64-bit hash). */
  | 'hex64'
  /** A string of at most `str` UTF-16 code units. */
  | { str: number }
  /** A byte string of at most `bytes` bytes. */
  | { bytes: number }
  /** A list of at most `max` items of type `list`. */
  | { list: FieldType; max: number }
  /** 1..`inputs` PlayerInputs of consecutive ticks, in the input-bundle codec (see input-bundle.ts). */
  | { inputs: number };

/** One message's schema. */
export interface MessageSchema {
  /** Type id. */
  type: MsgType;
  /** Name as in messages.ts. */
  name: string;
  /** Who sends it: client, server or both. */
  from: 'client' | 'server' | 'both';
  /** Fields in wire order. */
  fields: ReadonlyArray<readonly [string, FieldType]>;
}

/** Largest byte payload of any bytes field (chunk data); frames are further limited by the max frame size. */
export const MAX_BYTES_FIELD = 1 << 20;

const u32 = 'u32' as const;

/** Every message schema, in type id order. */
export const SCHEMAS: readonly MessageSchema[] = [
  { type: MsgType.Hello, name: 'Hello', from: 'client', fields: [['magic', u32], ['version', 'u16'], ['schemaHash', 'hex64'], ['name', { str: 32 }], ['sectionHashes', { list: 'hex64', max: 8 }]] },
  { type: MsgType.Welcome, name: 'Welcome', from: 'server', fields: [['version', 'u16'], ['schemaHash', 'hex64'], ['sessionId', u32], ['serverTick', u32], ['tickHz', 'u16']] },
  { type: MsgType.Reject, name: 'Reject', from: 'server', fields: [['reason', { str: 512 }], ['magic', u32], ['version', 'u16'], ['schemaHash', 'hex64']] },
  { type: MsgType.Ping, name: 'Ping', from: 'both', fields: [['nonce', u32], ['sentMs', 'f64']] },
  { type: MsgType.Pong, name: 'Pong', from: 'both', fields: [['nonce', u32], ['sentMs', 'f64']] },
  { type: MsgType.Disconnect, name: 'Disconnect', from: 'both', fields: [['reason', { str: 512 }]] },
  { type: MsgType.MessageRefused, name: 'MessageRefused', from: 'both', fields: [['refusedType', 'u16'], ['reason', { str: 256 }]] },
  { type: MsgType.InputBundle, name: 'InputBundle', from: 'client', fields: [['clientTick', u32], ['seq', u32], ['ackTick', u32], ['inputs', { inputs: 8 }]] },
  { type: MsgType.ClientChat, name: 'ClientChat', from: 'client', fields: [['text', { str: 256 }]] },
  { type: MsgType.DiagnosticsRequest, name: 'DiagnosticsRequest', from: 'client', fields: [['id', u32], ['token', { str: 128 }], ['command', { str: 64 }], ['args', { list: { str: 256 }, max: 16 }]] },
  { type: MsgType.ChunkAck, name: 'ChunkAck', from: 'client', fields: [['cx', 'i32'], ['cz', 'i32']] },
  { type: MsgType.ChunkHave, name: 'ChunkHave', from: 'client', fields: [['columns', { list: 'i32', max: 8192 }], ['checksums', { list: 'hex64', max: 4096 }]] },
  { type: MsgType.ChunkResync, name: 'ChunkResync', from: 'client', fields: [['cx', 'i32'], ['cz', 'i32']] },
  { type: MsgType.ChunkData, name: 'ChunkData', from: 'server', fields: [['cx', 'i32'], ['cz', 'i32'], ['checksum', 'hex64'], ['data', { bytes: MAX_BYTES_FIELD }]] },
  { type: MsgType.ChunkDiff, name: 'ChunkDiff', from: 'server', fields: [['cx', 'i32'], ['cy', 'i32'], ['cz', 'i32'], ['data', { bytes: 65536 }]] },
  { type: MsgType.ChunkUnload, name: 'ChunkUnload', from: 'server', fields: [['cx', 'i32'], ['cz', 'i32']] },
  { type: MsgType.EntitySpawn, name: 'EntitySpawn', from: 'server', fields: [['entity', u32], ['kind', 'u16'], ['data', { bytes: 4096 }], ['name', { str: 32 }]] },
  { type: MsgType.EntityDelta, name: 'EntityDelta', from: 'server', fields: [['tick', u32], ['baselineTick', u32], ['data', { bytes: 65536 }]] },
  { type: MsgType.EntityDespawn, name: 'EntityDespawn', from: 'server', fields: [['entity', u32]] },
  { type: MsgType.ServerChat, name: 'ServerChat', from: 'server', fields: [['from', { str: 32 }], ['text', { str: 256 }]] },
  { type: MsgType.ServerState, name: 'ServerState', from: 'server', fields: [['tick', u32], ['players', 'u16'], ['adjust', 'i8'], ['adviceSeq', 'u16']] },
  { type: MsgType.TimeSync, name: 'TimeSync', from: 'server', fields: [['serverTick', u32], ['clientMs', 'f64']] },
  { type: MsgType.DiagnosticsResponse, name: 'DiagnosticsResponse', from: 'server', fields: [['id', u32], ['ok', 'bool'], ['text', { str: 65536 }]] },
  { type: MsgType.PlayerState, name: 'PlayerState', from: 'server', fields: [['tick', u32], ['x', 'f64'], ['y', 'f64'], ['z', 'f64'], ['vx', 'f64'], ['vy', 'f64'], ['vz', 'f64'], ['onGround', 'bool']] },
  { type: MsgType.BlockResult, name: 'BlockResult', from: 'server', fields: [['tick', u32], ['ok', 'bool'], ['x', 'i32'], ['y', 'i32'], ['z', 'i32'], ['block', 'u16'], ['reason', { str: 64 }]] },
  { type: MsgType.InventoryState, name: 'InventoryState', from: 'server', fields: [['tick', u32], ['selected', 'u8'], ['items', { list: 'u16', max: 9 }], ['counts', { list: 'u8', max: 9 }]] },
  { type: MsgType.OwnState, name: 'OwnState', from: 'server', fields: [['tick', u32], ['data', { bytes: 4096 }]] },
  { type: MsgType.ActionResult, name: 'ActionResult', from: 'server', fields: [['tick', u32], ['action', 'u8'], ['index', 'u8'], ['ok', 'bool'], ['reason', { str: 64 }]] },
];

/** Schemas by type id (sparse array indexed by id). */
export const SCHEMA_BY_TYPE: ReadonlyArray<MessageSchema | undefined> = (() => {
  const by: Array<MessageSchema | undefined> = new Array(128).fill(undefined);
  for (const s of SCHEMAS) {
    if (by[s.type]) throw new Error(`duplicate message type ${s.type}`);
    by[s.type] = s;
  }
  return by;
})();

/** Writes one field type canonically, e.g. `list<str<=256>,16>`. */
export function describeType(t: FieldType): string {
  if (typeof t === 'string') return t;
  if ('str' in t) return `str<=${t.str}`;
  if ('bytes' in t) return `bytes<=${t.bytes}`;
  if ('list' in t) return `list<${describeType(t.list)},${t.max}>`;
  return `inputs<=${t.inputs},${INPUT_BUNDLE_CODEC}`;
}

/** The canonical text of every schema, one message per line: `id name from field:type,...`. */
export function canonicalSchema(schemas: readonly MessageSchema[] = SCHEMAS): string {
  return schemas
    .map((s) => `${s.type} ${s.name} ${s.from} ${s.fields.map(([n, t]) => `${n}:${describeType(t)}`).join(',')}`)
    .join('\n');
}

/**
 * xxhash64 (seed 0) of {@link canonicalSchema}, as 16 hex digits: the engine's messages alone, which is also the
 * messages section hash of a definition without user messages. The handshake's schema hash covers a whole
 * protocol definition (handshake.ts `protocolIdentity`).
 */
export function schemaHash(hasher: Hasher, schemas: readonly MessageSchema[] = SCHEMAS): string {
  return hex64(hasher.h64(canonicalSchema(schemas)));
}
