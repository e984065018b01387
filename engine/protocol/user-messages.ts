/**
 * User messages in the protocol definition: a game's own messages, with explicit ids in the user range, a direction
 * and a channel, and fields in the same schema form as the engine's (schema.ts). They go into the schema hash; a
 * connection given the definition's messages sends them (`sendUser`) and checks what it receives against them
 * (user-codec.ts, engine/net/connection.ts), refusing a bad one with a MessageRefused notice (SPEC.md "User messages").
 *
 * Ids: the engine keeps 1..127 (a type byte that is also a MessagePack positive fixint); user messages take
 * 128..65535. On the wire a message's type is then written as the MessagePack encoding of its id (uint 8 `0xcc`,
 * uint 16 `0xcd` for user ids), so a frame body stays a plain MessagePack sequence.
 */
import { MAX_BYTES_FIELD, SCHEMAS, type FieldType } from './schema.ts';

/** The ids user messages may take. */
export const USER_MESSAGE_IDS = { min: 128, max: 65535 } as const;

/** A field type a user message may use: any engine field type except the engine's own input-bundle codec. */
export type UserFieldType = Exclude<FieldType, { inputs: number }>;

/**
 * Channels a user message may travel on (names of engine/net/channels.ts `Channel`): `Chat` both ways (reliable,
 * ordered), `Input` client -> server datagrams, `ChunkStream` server -> client (reliable, ordered with the world's
 * chunks and spawns), `EntityDelta` server -> client datagrams. Control and Diagnostics stay the engine's.
 */
export const USER_CHANNELS = {
  Input: { client: true, server: false },
  ChunkStream: { client: false, server: true },
  EntityDelta: { client: false, server: true },
  Chat: { client: true, server: true },
} as const;

/** A channel name in {@link USER_CHANNELS}. */
export type UserChannel = keyof typeof USER_CHANNELS;

/** A user message as declared. */
export interface UserMessageDef {
  /** Type id in {@link USER_MESSAGE_IDS}. */
  readonly id: number;
  /** Unique name (letters, digits, `_`; not an engine message's name). */
  readonly name: string;
  /** Who sends it. */
  readonly from: 'client' | 'server' | 'both';
  /** The channel it travels on; it must carry messages from every side that sends it. */
  readonly channel: UserChannel;
  /** Fields in wire order (a message is a MessagePack array of them). */
  readonly fields: ReadonlyArray<readonly [string, UserFieldType]>;
}

/** Declares a user message (identity function that keeps the literal types). */
export function defineMessage<const M extends UserMessageDef>(m: M): M {
  return m;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const ENGINE_NAMES = new Set(SCHEMAS.map((s) => s.name));

/** Checks one field type of a user message or action; throws RangeError naming `what`. Returns it frozen. */
export function checkType(what: string, t: unknown): UserFieldType {
  if (typeof t === 'string') {
    if (['u8', 'u16', 'u32', 'i8', 'i32', 'f64', 'bool', 'hex64'].includes(t)) return t as UserFieldType;
    throw new RangeError(`${what}: unknown field type ${JSON.stringify(t)}`);
  }
  const limit = (n: unknown, max: number, label: string): void => {
    if (!Number.isInteger(n) || (n as number) < 1 || (n as number) > max) throw new RangeError(`${what}: ${label} must be an integer in 1..${max}`);
  };
  if (typeof t === 'object' && t !== null) {
    if ('str' in t) { limit(t.str, 65536, 'str'); return Object.freeze({ str: t.str as number }); }
    if ('bytes' in t) { limit(t.bytes, MAX_BYTES_FIELD, 'bytes'); return Object.freeze({ bytes: t.bytes as number }); }
    if ('list' in t && 'max' in t) { limit(t.max, 65536, 'list max'); return Object.freeze({ list: checkType(`${what}[]`, t.list), max: t.max as number }); }
    if ('inputs' in t) throw new RangeError(`${what}: the inputs type is the engine's input bundle; user messages cannot use it`);
  }
  throw new RangeError(`${what}: unknown field type ${JSON.stringify(t)}`);
}

function resolveMessage(m: UserMessageDef): UserMessageDef {
  const what = `message ${JSON.stringify(m.name)} (id ${m.id})`;
  if (!Number.isInteger(m.id) || m.id < USER_MESSAGE_IDS.min || m.id > USER_MESSAGE_IDS.max) {
    throw new RangeError(`${what}: user message ids are ${USER_MESSAGE_IDS.min}..${USER_MESSAGE_IDS.max} (the engine keeps 1..127)`);
  }
  if (typeof m.name !== 'string' || !NAME.test(m.name)) throw new RangeError(`${what}: name must match ${NAME}`);
  if (ENGINE_NAMES.has(m.name)) throw new RangeError(`${what}: ${m.name} is an engine message`);
  if (!['client', 'server', 'both'].includes(m.from)) throw new RangeError(`${what}: from must be 'client', 'server' or 'both'`);
  if (!Object.hasOwn(USER_CHANNELS, m.channel)) throw new RangeError(`${what}: channel must be one of ${Object.keys(USER_CHANNELS).join(', ')}`);
  const carries = USER_CHANNELS[m.channel];
  for (const side of ['client', 'server'] as const) {
    if ((m.from === side || m.from === 'both') && !carries[side]) throw new RangeError(`${what}: the ${m.channel} channel carries nothing from the ${side}`);
  }
  return Object.freeze({ id: m.id, name: m.name, from: m.from, channel: m.channel, fields: resolveFields(what, m.fields) });
}

/** Checks a list of `[name, type]` fields (names unique, not 'type'; known types); throws RangeError naming `what`. */
export function resolveFields(what: string, fields: unknown): ReadonlyArray<readonly [string, UserFieldType]> {
  if (!Array.isArray(fields)) throw new RangeError(`${what}: fields must be a list of [name, type]`);
  const seen = new Set<string>();
  return Object.freeze(fields.map(([name, t]: [unknown, unknown]) => {
    if (typeof name !== 'string' || !NAME.test(name) || name === 'type') throw new RangeError(`${what}: field name ${JSON.stringify(name)} must match ${NAME} and not be 'type'`);
    if (seen.has(name)) throw new RangeError(`${what}: field ${name} given twice`);
    seen.add(name);
    return Object.freeze([name, checkType(`${what}.${name}`, t)] as const);
  }));
}

/** Checks the user messages: ids and names unique, in range, channels that carry them. Returns them in id order. */
export function resolveUserMessages(defs: readonly UserMessageDef[]): readonly UserMessageDef[] {
  const byId = new Map<number, UserMessageDef>();
  const names = new Set<string>();
  for (const d of defs) {
    const m = resolveMessage(d);
    if (byId.has(m.id)) throw new RangeError(`message id ${m.id} given twice (${byId.get(m.id)!.name}, ${m.name})`);
    if (names.has(m.name)) throw new RangeError(`message name ${m.name} given twice`);
    byId.set(m.id, m);
    names.add(m.name);
  }
  return Object.freeze([...byId.values()].sort((a, b) => a.id - b.id));
}
