/**
 * The block registry: block ids, names and behaviour flags. Ids are stored in voxel sections and sent on the wire,
 * so an id, once given, never changes meaning. Lookups go through a flag table indexed by id (any uint16).
 */

/** Behaviour flags of a block, as bits. */
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
} as const;

/** One block type. */
export interface BlockDef {
  /** Numeric id stored in sections; 0 is air. */
  id: number;
  /** Stable lowercase name. */
  name: string;
  /** {@link BlockFlag} bits. */
  flags: number;
  /** Display colour, 0xRRGGBB, for simple renderers. */
  color: number;
}

const { Solid, Opaque, Targetable, Breakable, Liquid } = BlockFlag;
const SOLID_BLOCK = Solid | Opaque | Targetable | Breakable;

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
} as const;

/** The default block set. */
export const DEFAULT_BLOCKS: readonly BlockDef[] = [
  { id: Block.Air, name: 'air', flags: 0, color: 0x000000 },
  { id: Block.Stone, name: 'stone', flags: SOLID_BLOCK, color: 0x7f7f7f },
  { id: Block.Dirt, name: 'dirt', flags: SOLID_BLOCK, color: 0x8b5a2b },
  { id: Block.Grass, name: 'grass', flags: SOLID_BLOCK, color: 0x5fa83a },
  { id: Block.Sand, name: 'sand', flags: SOLID_BLOCK, color: 0xdbd3a0 },
  { id: Block.Wood, name: 'wood', flags: SOLID_BLOCK, color: 0x6b4f2a },
  { id: Block.Leaves, name: 'leaves', flags: Solid | Targetable | Breakable, color: 0x3a7d2c },
  { id: Block.Glass, name: 'glass', flags: Solid | Targetable | Breakable, color: 0xc0e8f0 },
  { id: Block.Water, name: 'water', flags: Liquid, color: 0x3060d0 },
  { id: Block.Bedrock, name: 'bedrock', flags: Solid | Opaque | Targetable, color: 0x303030 },
  { id: Block.Planks, name: 'planks', flags: SOLID_BLOCK, color: 0xb08850 },
  { id: Block.Cobblestone, name: 'cobblestone', flags: SOLID_BLOCK, color: 0x6a6a6a },
];

/** Flags given to ids the registry does not know (such as foreign terrain): solid and opaque, not breakable. */
export const UNKNOWN_BLOCK_FLAGS = Solid | Opaque | Targetable;

/** A block registry: definitions plus a flag table covering every uint16 id. */
export interface BlockRegistry {
  /** Definitions by id (sparse where ids are skipped). */
  readonly defs: readonly BlockDef[];
  /** Flags for every id 0..65535; unknown ids get {@link UNKNOWN_BLOCK_FLAGS}. */
  readonly flags: Uint8Array;
  /** Ids by name. */
  readonly byName: ReadonlyMap<string, number>;
}

/** Builds a registry; ids must be unique integers in 0..65535 and id 0 must be air (no flags). */
export function createBlockRegistry(defs: readonly BlockDef[] = DEFAULT_BLOCKS): BlockRegistry {
  const flags = new Uint8Array(65536).fill(UNKNOWN_BLOCK_FLAGS);
  const byId: BlockDef[] = [];
  const byName = new Map<string, number>();
  for (const d of defs) {
    if (!Number.isInteger(d.id) || d.id < 0 || d.id > 65535) throw new RangeError(`block ${d.name}: id must be in 0..65535, got ${d.id}`);
    if (byId[d.id]) throw new RangeError(`block id ${d.id} given twice (${byId[d.id].name}, ${d.name})`);
    if (byName.has(d.name)) throw new RangeError(`block name ${d.name} given twice`);
    byId[d.id] = d;
    byName.set(d.name, d.id);
    flags[d.id] = d.flags;
  }
  if (!byId[0] || byId[0].flags !== 0) throw new RangeError('block id 0 must be air with no flags');
  return { defs: byId, flags, byName };
}
