/**
 * The handshake rules: the client's first message is Hello with its magic, protocol version and schema hash; the
 * server answers Welcome when all three equal its own, else Reject whose reason names both sides' values.
 */
import type { Hasher } from '../hash.ts';
import type { Hello, Reject } from './messages.ts';
import { MsgType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from './messages.ts';
import { schemaHash } from './schema.ts';

/** What a peer must agree on to talk. */
export interface ProtocolIdentity {
  /** {@link PROTOCOL_MAGIC}. */
  magic: number;
  /** {@link PROTOCOL_VERSION}. */
  version: number;
  /** Schema hash, 16 hex digits. */
  schemaHash: string;
}

/** This build's identity. */
export function localIdentity(hasher: Hasher): ProtocolIdentity {
  return { magic: PROTOCOL_MAGIC, version: PROTOCOL_VERSION, schemaHash: schemaHash(hasher) };
}

/** Formats a magic number as 8 hex digits. */
export function magicHex(magic: number): string {
  return `0x${(magic >>> 0).toString(16).padStart(8, '0')}`;
}

/** The Hello a client with identity `id` sends. */
export function makeHello(id: ProtocolIdentity, name: string): Hello {
  return { type: MsgType.Hello, magic: id.magic, version: id.version, schemaHash: id.schemaHash, name };
}

/** Checks a Hello against the server's identity; returns undefined when accepted, else a reason naming both sides. */
export function checkHello(hello: Hello, server: ProtocolIdentity): string | undefined {
  const diffs: string[] = [];
  if (hello.magic !== server.magic) diffs.push(`magic: client ${magicHex(hello.magic)}, server ${magicHex(server.magic)}`);
  if (hello.version !== server.version) diffs.push(`protocol version: client ${hello.version}, server ${server.version}`);
  if (hello.schemaHash !== server.schemaHash) diffs.push(`schema hash: client ${hello.schemaHash}, server ${server.schemaHash}`);
  return diffs.length ? `incompatible protocol (${diffs.join('; ')})` : undefined;
}

/** The Reject for `reason`, carrying the server's identity. */
export function makeReject(reason: string, server: ProtocolIdentity): Reject {
  return { type: MsgType.Reject, reason, magic: server.magic, version: server.version, schemaHash: server.schemaHash };
}
