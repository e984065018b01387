/**
 * The canonical text of each section of a protocol definition, and the hashes made from it. Each section's text is
 * one line per entry in id order, with every property written by this code in a fixed order, so that neither the
 * order of a list nor the key order of an object literal changes it; only what the wire depends on is written
 * (names, ids, kinds, limits, encodings), never doc strings. SPEC.md ("Protocol definition") gives the formats.
 */
import { hex64, type Hasher } from '../hash.ts';
import type { BlockType } from '../voxel/blocks.ts';
import type { FieldEncoding, ProtocolComponent } from './component-spec.ts';
import { canonicalSchema, describeType, type FieldType } from './schema.ts';
import type { UserMessageDef } from './user-messages.ts';

/** The sections of a protocol definition, in the order their hashes are listed (Hello, the overall hash). */
export const PROTOCOL_SECTIONS = ['blocks', 'components', 'entities', 'messages', 'actions', 'items', 'recipes'] as const;

/** A section name. */
export type ProtocolSection = (typeof PROTOCOL_SECTIONS)[number];

/** One value per section. */
export type PerSection<T> = { readonly [S in ProtocolSection]: T };

/** An entry with an id and a name (entity kinds, actions). */
export interface NamedId {
  /** Wire id. */
  readonly id: number;
  /** Name. */
  readonly name: string;
}

const bit = (b: boolean): string => (b ? '1' : '0');

/** `<id> <name> solid=1 opaque=1 see-through=0 targetable=1 breakable=1 liquid=0 light=0 transparent=0 color=7f7f7f hardness=1.5` per block. */
export function canonicalBlocks(blocks: readonly BlockType[]): string {
  return [...blocks].sort((a, b) => a.id - b.id).map((b) =>
    `${b.id} ${b.name} solid=${bit(b.solid)} opaque=${bit(b.opaque)} see-through=${bit(b.seeThrough)} targetable=${bit(b.targetable)} ` +
    `breakable=${bit(b.breakable)} liquid=${bit(b.liquid)} light=${b.light} transparent=${bit(b.transparent)} color=${b.color.toString(16).padStart(6, '0')} hardness=${b.hardness}`,
  ).join('\n');
}

function describeEncoding(e: FieldEncoding): string {
  if (typeof e === 'string') return e;
  return `x${e.scale}${e.wrap === undefined ? '' : `%${e.wrap}`}`;
}

/**
 * `<id> <Name> to=<all|owner|none> priority=<n> <field>:<kind>[*<length>]=<exact|skip|x<scale>[%<wrap>]>[+hot],...`
 * per component. Fields are listed in name order, not declaration order: the declaration order only lays out memory
 * (local to a process), and replicated fields go on the wire in name order (hot fields first, entity-layout.ts), so
 * reordering a declaration changes neither the protocol nor its hash.
 */
export function canonicalComponents(components: readonly ProtocolComponent[]): string {
  return [...components].sort((a, b) => a.id - b.id).map((c) => {
    const names = Object.keys(c.component.fields).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const fields = names.map((n) => {
      const f = c.component.fields[n];
      const length = (f.length ?? 1) === 1 ? '' : `*${f.length}`;
      return `${n}:${f.kind}${length}=${describeEncoding(c.replicate.fields[n])}${c.replicate.hot.includes(n) ? '+hot' : ''}`;
    });
    return `${c.id} ${c.component.name} to=${c.replicate.to} priority=${c.replicate.priority} ${fields.join(',')}`;
  }).join('\n');
}

/** `<id> <name>` per entry (entity kinds, actions). */
export function canonicalNamedIds(entries: readonly NamedId[]): string {
  return [...entries].sort((a, b) => a.id - b.id).map((e) => `${e.id} ${e.name}`).join('\n');
}

/**
 * `<id> <name>` per action; a game's action adds ` <field>:<type>,... writes=<Component>,...` (its `apply` is code,
 * not part of the protocol).
 */
export function canonicalActions(actions: readonly (NamedId & { fields?: readonly (readonly [string, FieldType])[]; writes?: readonly { name: string }[] })[]): string {
  return [...actions].sort((a, b) => a.id - b.id).map((a) => {
    if (!a.fields) return `${a.id} ${a.name}`;
    return `${a.id} ${a.name} ${a.fields.map(([n, t]) => `${n}:${describeType(t)}`).join(',')} writes=${(a.writes ?? []).map((w) => w.name).join(',')}`;
  }).join('\n');
}

/**
 * The engine's message schemas (schema.ts {@link canonicalSchema}: `<id> <name> <from> <field>:<type>,...`), then
 * one line per user message: `<id> <name> <from> <channel> <field>:<type>,...`. With no user messages this is the
 * engine's schema text alone.
 */
export function canonicalMessages(user: readonly UserMessageDef[]): string {
  const lines = [canonicalSchema()];
  for (const m of [...user].sort((a, b) => a.id - b.id)) {
    lines.push(`${m.id} ${m.name} ${m.from} ${m.channel} ${m.fields.map(([n, t]) => `${n}:${describeType(t)}`).join(',')}`);
  }
  return lines.join('\n');
}

/** xxhash64 (seed 0) of each section's canonical text, as 16 hex digits. */
export function hashSections(canonical: PerSection<string>, hasher: Hasher): PerSection<string> {
  const out = {} as Record<ProtocolSection, string>;
  for (const s of PROTOCOL_SECTIONS) out[s] = hex64(hasher.h64(canonical[s]));
  return Object.freeze(out);
}

/** The overall schema hash: xxhash64 of the lines `<section> <hash>` in {@link PROTOCOL_SECTIONS} order. */
export function combineSectionHashes(hashes: PerSection<string>, hasher: Hasher): string {
  return hex64(hasher.h64(PROTOCOL_SECTIONS.map((s) => `${s} ${hashes[s]}`).join('\n')));
}
