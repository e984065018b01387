/**
 * The payload codec of user messages (user-messages.ts): a payload is a MessagePack array of the declared fields in
 * order, checked on receipt exactly as the engine's messages are (codec.ts), and on sending too, so that a program
 * error shows at the sender. A frame holding one is `[length][msgpack uint: the id][payload]` (SPEC.md "User
 * messages").
 */
import { packr, readField } from './codec.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import type { MessageSchema } from './schema.ts';
import type { UserMessageDef } from './user-messages.ts';

/** The TypeScript value of a field type. */
export type ValueOf<T> =
  T extends 'bool' ? boolean : T extends 'hex64' ? string : T extends string ? number :
  T extends { readonly str: number } ? string : T extends { readonly bytes: number } ? Uint8Array :
  T extends { readonly list: infer L; readonly max: number } ? ValueOf<L>[] : never;

/** The payload of a user message: one property per declared field, typed by the field's type. */
export type PayloadOf<M extends UserMessageDef> = { -readonly [F in M['fields'][number] as F[0]]: ValueOf<F[1]> };

/** A received user message, checked against its declaration. */
export interface UserMessage<M extends UserMessageDef = UserMessageDef> {
  /** Its declaration. */
  readonly def: M;
  /** Its fields. */
  readonly payload: PayloadOf<M>;
}

/** The user messages of a definition by id: what a connection accepts besides the engine's. */
export type UserMessageTable = ReadonlyMap<number, UserMessageDef>;

/** Indexes resolved user messages (a definition's `messages`) by id. */
export function userMessageTable(defs: readonly UserMessageDef[]): UserMessageTable {
  return new Map(defs.map((d) => [d.id, d]));
}

/** The view of a user message that the engine's field checks take (they name the message in errors). */
function schemaOf(def: UserMessageDef): MessageSchema {
  return { type: def.id as MessageSchema['type'], name: def.name, from: def.from, fields: def.fields };
}

/** Checks a decoded payload (a MessagePack array) against `def`; throws a `ProtocolError` (bad-payload). */
export function decodeUserPayload<M extends UserMessageDef>(def: M, value: unknown): PayloadOf<M> {
  if (!Array.isArray(value) || value.length !== def.fields.length) {
    throw new ProtocolError(ProtocolErrorCode.BadPayload, `${def.name}.*: expected an array of ${def.fields.length} fields`);
  }
  const s = schemaOf(def);
  const out: Record<string, unknown> = {};
  def.fields.forEach(([name, t], i) => { out[name] = readField(s, name, t, value[i], out); });
  return out as PayloadOf<M>;
}

/**
 * The MessagePack bytes of one user message: its id as a MessagePack uint, then its payload. The payload is checked
 * first; a bad one throws RangeError naming the message and field.
 */
export function encodeUserMessage<M extends UserMessageDef>(def: M, payload: PayloadOf<M>): Uint8Array[] {
  const rec = payload as Record<string, unknown>;
  const value = def.fields.map(([name]) => rec?.[name]);
  try {
    decodeUserPayload(def, value);
  } catch (e) {
    throw new RangeError(`cannot send ${(e as Error).message.replace(/^bad-payload: /, '')}`);
  }
  return [packr.pack(def.id), packr.pack(value)];
}

