/**
 * Message payload codec: a message becomes a msgpack array of its field values in schema order (see schema.ts),
 * and a received array is checked field by field against the schema before it becomes a message.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { PlayerInput } from '../input.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import { decodeInputs, encodeInputs } from './input-bundle.ts';
import { MsgType, PROTOCOL_VERSION, type Message } from './messages.ts';
import type { FieldType, MessageSchema } from './schema.ts';
import { SCHEMA_BY_TYPE } from './schema.ts';

/** The msgpack packer: plain arrays and maps only, no record extension, so any msgpack reader can decode. */
export const packr = new Packr({ useRecords: false, moreTypes: false, variableMapSize: true });
/** The msgpack unpacker matching {@link packr}. */
export const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

function bad(schema: MessageSchema, field: string, detail: string): never {
  throw new ProtocolError(ProtocolErrorCode.BadPayload, `${schema.name}.${field}: ${detail}`);
}

const INT_RANGES: Record<string, [number, number]> = {
  u8: [0, 0xff], u16: [0, 0xffff], u32: [0, 0xffffffff], i8: [-128, 127], i32: [-0x80000000, 0x7fffffff],
};
const HEX64 = /^[0-9a-f]{16}$/;

/**
 * Checks (and for bytes and inputs, converts) one decoded value of field `name` of `s`. Throws {@link ProtocolError}
 * (bad-payload) naming the message and field.
 */
export function readField(s: MessageSchema, name: string, t: FieldType, v: unknown, msg: Record<string, unknown>): unknown {
  if (typeof t === 'string') {
    const range = INT_RANGES[t];
    if (range) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) bad(s, name, `expected ${t}`);
      return v;
    }
    if (t === 'f64') return typeof v === 'number' && Number.isFinite(v) ? v : bad(s, name, 'expected finite number');
    if (t === 'bool') return typeof v === 'boolean' ? v : bad(s, name, 'expected boolean');
    return typeof v === 'string' && HEX64.test(v) ? v : bad(s, name, 'expected 16 hex digits');
  }
  if ('str' in t) {
    if (typeof v !== 'string' || v.length > t.str) bad(s, name, `expected string of at most ${t.str}`);
    return v;
  }
  if ('bytes' in t) {
    if (!(v instanceof Uint8Array) || v.length > t.bytes) bad(s, name, `expected at most ${t.bytes} bytes`);
    return new Uint8Array(v); // copy: never keep the whole received frame alive
  }
  if ('list' in t) {
    if (!Array.isArray(v) || v.length > t.max) bad(s, name, `expected list of at most ${t.max}`);
    return v.map((item, i) => readField(s, `${name}[${i}]`, t.list, item, msg));
  }
  if (!(v instanceof Uint8Array)) bad(s, name, 'expected input bytes');
  // The inputs field follows clientTick in the schema, so the tick is already read and checked.
  return decodeInputs(v, msg.clientTick as number, t.inputs);
}

function writeField(t: FieldType, v: unknown): unknown {
  if (typeof t === 'object' && 'inputs' in t) return encodeInputs(v as PlayerInput[], t.inputs);
  return v;
}

/** The msgpack value (array of fields) of a message. Throws on an unknown type. */
export function toWire(msg: Message): unknown[] {
  const s = SCHEMA_BY_TYPE[msg.type];
  if (!s) throw new RangeError(`unknown message type ${msg.type}`);
  const rec = msg as unknown as Record<string, unknown>;
  return s.fields.map(([name, t]) => writeField(t, rec[name]));
}

/**
 * A Hello of another protocol version may have another shape; its first three fields (magic, version, schema hash)
 * keep theirs in every version. Such a Hello is read that far (name '' and no section hashes), so that the
 * handshake refuses it naming both versions rather than as a bad payload. A Hello claiming this version must match
 * the schema exactly.
 */
function foreignHello(s: MessageSchema, value: unknown[]): Message | undefined {
  if (value.length < 3) return undefined;
  const msg: Record<string, unknown> = { type: MsgType.Hello };
  for (let i = 0; i < 3; i++) msg[s.fields[i][0]] = readField(s, s.fields[i][0], s.fields[i][1], value[i], msg);
  if (msg.version === PROTOCOL_VERSION) return undefined;
  return { ...msg, name: '', sectionHashes: [] } as unknown as Message;
}

/** Builds and checks a message of type `type` from its decoded msgpack value. Throws {@link ProtocolError}. */
export function fromWire(type: number, value: unknown): Message {
  const s = SCHEMA_BY_TYPE[type];
  if (!s) throw new ProtocolError(ProtocolErrorCode.UnknownType, `message type ${type}`);
  if (type === MsgType.Hello && Array.isArray(value) && value.length !== s.fields.length) {
    const hello = foreignHello(s, value);
    if (hello) return hello;
  }
  if (!Array.isArray(value) || value.length !== s.fields.length) {
    bad(s, '*', `expected an array of ${s.fields.length} fields`);
  }
  const msg: Record<string, unknown> = { type };
  for (let i = 0; i < s.fields.length; i++) {
    const [name, t] = s.fields[i];
    msg[name] = readField(s, name, t, value[i], msg);
  }
  return msg as unknown as Message;
}

/** The packed payload bytes of a message (without the type byte). */
export function encodePayload(msg: Message): Uint8Array {
  return packr.pack(toWire(msg));
}
