/**
 * The payload codec of user actions (user-actions.ts): a payload is the MessagePack array of the declared fields in
 * order, checked exactly as a user message's (user-codec.ts). It travels inside an input as opaque bytes
 * ({@link ActionInput}); the server checks them against the declaration when the action runs, so a malformed one is
 * refused with a reason rather than closing the session.
 */
import { packr, unpackr } from './codec.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import type { ActionFields, FieldsPayload, UserActionDef } from './user-actions.ts';
import { decodeUserPayload } from './user-codec.ts';
import type { UserMessageDef } from './user-messages.ts';

/** Most bytes of one action's payload (a `u8` length on the wire). */
export const MAX_ACTION_BYTES = 255;

/** The view of an action that the user-message field checks take (they name it in errors). */
function asMessage(def: UserActionDef): UserMessageDef {
  return { id: def.id, name: def.name, from: 'client', channel: 'Input', fields: def.fields };
}

/** Encodes `payload` for action `def`; a payload that breaks the declaration throws RangeError naming the field. */
export function encodeActionPayload<F extends ActionFields>(def: UserActionDef<F>, payload: FieldsPayload<F>): Uint8Array {
  const rec = payload as Record<string, unknown>;
  const value = def.fields.map(([name]) => rec?.[name]);
  try {
    decodeUserPayload(asMessage(def as UserActionDef), value);
  } catch (e) {
    throw new RangeError(`cannot act ${(e as Error).message.replace(/^bad-payload: /, '')}`);
  }
  const bytes = packr.pack(value);
  if (bytes.length > MAX_ACTION_BYTES) throw new RangeError(`cannot act ${def.name}: payload of ${bytes.length} bytes; at most ${MAX_ACTION_BYTES}`);
  return Uint8Array.from(bytes);
}

/** Decodes and checks a payload of action `def`; throws a `ProtocolError` (bad-payload) naming the field. */
export function decodeActionPayload<F extends ActionFields>(def: UserActionDef<F>, bytes: Uint8Array): FieldsPayload<F> {
  let value: unknown;
  try {
    value = unpackr.unpack(bytes);
  } catch {
    throw new ProtocolError(ProtocolErrorCode.BadPayload, `${def.name}: not a MessagePack value`);
  }
  return decodeUserPayload(asMessage(def as UserActionDef), value) as FieldsPayload<F>;
}
