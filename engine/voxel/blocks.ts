/**
 * The block registry: block ids, names and behaviour. Ids are stored in voxel sections and sent on the wire, so an
 * id, once given, never changes meaning. Blocks are declared as plain data ({@link BlockDef}, the protocol
 * definition's blocks section); lookups go through a flag table indexed by id (any uint16).
 */

/** Behaviour flags of a block, as bits of {@link BlockRegistry.flags}. */
export const BlockFlag = {
  /** Collides with entities (physics). */
  Solid: 1,
  /** Hides the faces of its neighbours (meshing, light). */
  Opaque: 2,
  /** Can be targeted by the block raycast (break, place against). */
  Targetable: 4,
  /** Can be broken by players. */
  Breakable: 8,
  /** A liquid: not solid, not targetable. */
  Liquid: 16,
  /** Drawn with transparency (glass, leaves, water); never opaque. */
  SeeThrough: 32,
} as const;

/**
 * One block type as declared. Properties left out take the values of a plain cube: solid, opaque, targetable and
 * breakable; not see-through, not a liquid; no light; hardness 1.
 */
export interface BlockDef {
  /** Numeric id stored in sections, 0..65535; 0 is air. */
  readonly id: number;
  /** Stable lowercase name: a letter or digit, then letters, digits and `_ : . -` (at most 64 characters). */
  readonly name: string;
  /** Display colour, 0xRRGGBB, for simple renderers. */
  readonly color: number;
  /** Collides with entities (default true). */
  readonly solid?: boolean;
  /** A full cube that hides its neighbours' faces and blocks light (default true). */
  readonly opaque?: boolean;
  /** Drawn with transparency, like glass or water (default false); a see-through block is not opaque. */
  readonly seeThrough?: boolean;
  /** The block raycast stops at it, so it can be broken or placed against (default true). */
  readonly targetable?: boolean;
  /** Players can break it (default true). */
  readonly breakable?: boolean;
  /** A liquid (default false): players place into it, and it is neither solid nor targetable. */
  readonly liquid?: boolean;
  /** Light it emits, 0..15 (default 0): a torch 14, a lamp 15. An opaque block may emit too (lit faces around it). */
  readonly light?: number;
  /**
   * Light passes through it (default: true exactly when it is not opaque: air, glass, leaves, water, a torch). Sky
   * light goes straight down through such blocks without loss; light loses 1 a step through them otherwise. An
   * opaque block is never transparent.
   */
  readonly transparent?: boolean;
  /**
   * How long it resists breaking, relative (stone is 1.5, 0 breaks at once; default 1). Today's rules break any
   * breakable block at once; the value is part of the definition so that clients and servers agree on it.
   */
  readonly hardness?: number;
}

/** A block with every property resolved, and its {@link BlockFlag} bits. */
export interface BlockType extends Required<BlockDef> {
  /** {@link BlockFlag} bits of the booleans above. */
  readonly flags: number;
}

/** Block ids of the default registry. Never renumber: they are stored and sent. */
export const Block = {
  Air: 0,
  Stone: 1,
  Dirt: 2,
  Grass: 3,
  Sand: 4,
  Wood: 5,
  Leaves: 6,
  Glass: 7,
  Water: 8,
  Bedrock: 9,
  Planks: 10,
  Cobblestone: 11,
  /** A see-through block that emits light 14. (12 is left to games: the custom-game example's lamp.) */
  Torch: 13,
} as const;

/** Air: id 0, nothing at all. Every registry has it. */
export const AIR: BlockDef = {
  id: Block.Air, name: 'air', color: 0x000000, solid: false, opaque: false, targetable: false, breakable: false, hardness: 0,
};

/** The default block set. */
export const DEFAULT_BLOCKS: readonly BlockDef[] = [
  AIR,
  { id: Block.Stone, name: 'stone', color: 0x7f7f7f, hardness: 1.5 },
  { id: Block.Dirt, name: 'dirt', color: 0x8b5a2b, hardness: 0.5 },
  { id: Block.Grass, name: 'grass', color: 0x5fa83a, hardness: 0.6 },
  { id: Block.Sand, name: 'sand', color: 0xdbd3a0, hardness: 0.5 },
  { id: Block.Wood, name: 'wood', color: 0x6b4f2a, hardness: 2 },
  { id: Block.Leaves, name: 'leaves', color: 0x3a7d2c, opaque: false, seeThrough: true, hardness: 0.2 },
  { id: Block.Glass, name: 'glass', color: 0xc0e8f0, opaque: false, seeThrough: true, hardness: 0.3 },
  { id: Block.Water, name: 'water', color: 0x3060d0, solid: false, opaque: false, seeThrough: true, targetable: false, breakable: false, liquid: true },
  { id: Block.Bedrock, name: 'bedrock', color: 0x303030, breakable: false },
  { id: Block.Planks, name: 'planks', color: 0xb08850, hardness: 2 },
  { id: Block.Cobblestone, name: 'cobblestone', color: 0x6a6a6a, hardness: 2 },
  { id: Block.Torch, name: 'torch', color: 0xffc040, opaque: false, seeThrough: true, light: 14, hardness: 0 },
];

/** Flags given to ids the registry does not know (such as foreign terrain): solid and opaque, not breakable. */
export const UNKNOWN_BLOCK_FLAGS = BlockFlag.Solid | BlockFlag.Opaque | BlockFlag.Targetable;

const BLOCK_NAME = /^[a-z0-9][a-z0-9_:.-]{0,63}$/;

/** Resolves one declaration (defaults filled in, flags computed); throws RangeError naming the block when invalid. */
export function resolveBlock(d: BlockDef): BlockType {
  const what = `block ${JSON.stringify(d.name)} (id ${d.id})`;
  if (!Number.isInteger(d.id) || d.id < 0 || d.id > 65535) throw new RangeError(`${what}: id must be an integer in 0..65535`);
  if (typeof d.name !== 'string' || !BLOCK_NAME.test(d.name)) throw new RangeError(`${what}: name must match ${BLOCK_NAME}`);
  if (!Number.isInteger(d.color) || d.color < 0 || d.color > 0xffffff) throw new RangeError(`${what}: color must be 0xRRGGBB`);
  const b = {
    id: d.id, name: d.name, color: d.color,
    solid: d.solid ?? true, opaque: d.opaque ?? true, seeThrough: d.seeThrough ?? false, targetable: d.targetable ?? true,
    breakable: d.breakable ?? true, liquid: d.liquid ?? false, light: d.light ?? 0, transparent: d.transparent ?? !(d.opaque ?? true),
    hardness: d.hardness ?? 1,
  };
  for (const k of ['solid', 'opaque', 'seeThrough', 'targetable', 'breakable', 'liquid', 'transparent'] as const) {
    if (typeof b[k] !== 'boolean') throw new RangeError(`${what}: ${k} must be a boolean`);
  }
  if (!Number.isInteger(b.light) || b.light < 0 || b.light > 15) throw new RangeError(`${what}: light must be an integer in 0..15`);
  if (typeof b.hardness !== 'number' || !Number.isFinite(b.hardness) || b.hardness < 0) throw new RangeError(`${what}: hardness must be a finite number >= 0`);
  if (b.opaque && b.seeThrough) throw new RangeError(`${what}: a see-through block cannot be opaque (say opaque: false)`);
  if (b.opaque && b.transparent) throw new RangeError(`${what}: an opaque block blocks light (say opaque: false to make it transparent)`);
  if (b.liquid && (b.solid || b.targetable)) throw new RangeError(`${what}: a liquid is neither solid nor targetable (say solid: false, targetable: false)`);
  const { Solid, Opaque, Targetable, Breakable, Liquid, SeeThrough } = BlockFlag;
  const flags = (b.solid ? Solid : 0) | (b.opaque ? Opaque : 0) | (b.targetable ? Targetable : 0) |
    (b.breakable ? Breakable : 0) | (b.liquid ? Liquid : 0) | (b.seeThrough ? SeeThrough : 0);
  if (b.id === 0 && (flags !== 0 || b.light !== 0 || !b.transparent)) throw new RangeError(`${what}: id 0 must be air: no flags, no light, transparent (see AIR)`);
  return Object.freeze({ ...b, flags });
}

/**
 * Resolves and checks a block set: ids and names unique, id 0 present and air. Returns the blocks in id order,
 * frozen. Throws RangeError naming the offending block.
 */
export function resolveBlocks(defs: readonly BlockDef[]): readonly BlockType[] {
  const byId = new Map<number, BlockType>();
  const names = new Set<string>();
  for (const d of defs) {
    const b = resolveBlock(d);
    const twice = byId.get(b.id);
    if (twice) throw new RangeError(`block id ${b.id} given twice (${twice.name}, ${b.name})`);
    if (names.has(b.name)) throw new RangeError(`block name ${b.name} given twice`);
    byId.set(b.id, b);
    names.add(b.name);
  }
  if (!byId.has(0)) throw new RangeError('block id 0 must be air (see AIR)');
  return Object.freeze([...byId.values()].sort((a, b) => a.id - b.id));
}

/** A block registry: resolved blocks plus a flag table covering every uint16 id. */
export interface BlockRegistry {
  /** Blocks by id (sparse where ids are skipped). */
  readonly defs: readonly BlockType[];
  /** Flags for every id 0..65535; unknown ids get {@link UNKNOWN_BLOCK_FLAGS}. */
  readonly flags: Uint8Array;
  /** Ids by name. */
  readonly byName: ReadonlyMap<string, number>;
}

/** Builds a registry from declarations (see {@link resolveBlocks} for the checks). */
export function createBlockRegistry(defs: readonly BlockDef[] = DEFAULT_BLOCKS): BlockRegistry {
  const flags = new Uint8Array(65536).fill(UNKNOWN_BLOCK_FLAGS);
  const byId: BlockType[] = [];
  const byName = new Map<string, number>();
  for (const b of resolveBlocks(defs)) {
    byId[b.id] = b;
    byName.set(b.name, b.id);
    flags[b.id] = b.flags;
  }
  return { defs: byId, flags, byName };
}
