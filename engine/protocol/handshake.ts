/**
 * The handshake rules: the client's first message is Hello with its magic, protocol version, schema hash and the
 * hash of each section of its protocol definition; the server answers Welcome when magic, version and schema hash
 * equal its own, else Reject whose reason names both sides' values, and for a definition that differs, the
 * sections that differ with both hashes.
 */
import type { Hasher } from '../hash.ts';
import { PROTOCOL_SECTIONS, combineSectionHashes, hashSections, type PerSection } from './canonical.ts';
import { DEFAULT_PROTOCOL, type ProtocolDefinition } from './define.ts';
import type { Hello, Reject } from './messages.ts';
import { MsgType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from './messages.ts';

/** What a peer must agree on to talk. */
export interface ProtocolIdentity {
  /** {@link PROTOCOL_MAGIC}. */
  magic: number;
  /** {@link PROTOCOL_VERSION}. */
  version: number;
  /** Schema hash of the whole protocol definition, 16 hex digits (canonical.ts `combineSectionHashes`). */
  schemaHash: string;
  /** The hash of each section of the definition, 16 hex digits. */
  sections: PerSection<string>;
}

/** The identity of a build that speaks protocol definition `def`. */
export function protocolIdentity(def: ProtocolDefinition, hasher: Hasher): ProtocolIdentity {
  const sections = hashSections(def.canonical, hasher);
  return { magic: PROTOCOL_MAGIC, version: PROTOCOL_VERSION, schemaHash: combineSectionHashes(sections, hasher), sections };
}

/** The identity of a build that speaks the engine's default definition ({@link DEFAULT_PROTOCOL}). */
export function localIdentity(hasher: Hasher): ProtocolIdentity {
  return protocolIdentity(DEFAULT_PROTOCOL, hasher);
}

/** Formats a magic number as 8 hex digits. */
export function magicHex(magic: number): string {
  return `0x${(magic >>> 0).toString(16).padStart(8, '0')}`;
}

/** The Hello a client with identity `id` sends. */
export function makeHello(id: ProtocolIdentity, name: string): Hello {
  return {
    type: MsgType.Hello, magic: id.magic, version: id.version, schemaHash: id.schemaHash, name,
    sectionHashes: PROTOCOL_SECTIONS.map((s) => id.sections[s]),
  };
}

/**
 * Checks a Hello against the server's identity; returns undefined when accepted, else a reason naming both sides.
 * Magic and version first (`incompatible protocol (magic: client .., server ..; protocol version: ...)`); with both
 * equal, a definition that differs is named by section: `incompatible protocol definition: blocks differ (client
 * 1a2b3c4d5e6f7a8b, server 8b7a6f5e4d3c2b1a)`. Sections are compared only between peers of the same version.
 */
export function checkHello(hello: Hello, server: ProtocolIdentity): string | undefined {
  const diffs: string[] = [];
  if (hello.magic !== server.magic) diffs.push(`magic: client ${magicHex(hello.magic)}, server ${magicHex(server.magic)}`);
  if (hello.version !== server.version) diffs.push(`protocol version: client ${hello.version}, server ${server.version}`);
  if (hello.schemaHash === server.schemaHash) return diffs.length ? `incompatible protocol (${diffs.join('; ')})` : undefined;
  if (!diffs.length && hello.sectionHashes.length === PROTOCOL_SECTIONS.length) {
    const sections = PROTOCOL_SECTIONS.flatMap((s, i) =>
      (hello.sectionHashes[i] === server.sections[s] ? [] : [`${s} differ (client ${hello.sectionHashes[i]}, server ${server.sections[s]})`]));
    if (sections.length) return `incompatible protocol definition: ${sections.join('; ')}`;
  }
  // Another version, or section hashes that agree while the overall hash does not (a peer that combines them
  // differently): only the overall hash can be named.
  diffs.push(`schema hash: client ${hello.schemaHash}, server ${server.schemaHash}`);
  return `incompatible protocol (${diffs.join('; ')})`;
}

/** The Reject for `reason`, carrying the server's identity. */
export function makeReject(reason: string, server: ProtocolIdentity): Reject {
  return { type: MsgType.Reject, reason, magic: server.magic, version: server.version, schemaHash: server.schemaHash };
}
