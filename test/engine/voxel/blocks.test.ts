/** Block declarations: defaults of a plain cube, the checks, and the flag bits the default set always had. */
import { describe, expect, it } from 'vitest';
import { AIR, Block, BlockFlag, DEFAULT_BLOCKS, createBlockRegistry, resolveBlock, resolveBlocks } from '../../../engine/voxel/blocks.ts';

const { Solid, Opaque, Targetable, Breakable, Liquid, SeeThrough } = BlockFlag;

describe('block declarations', () => {
  it('default to a plain cube and keep the default set behaving as before', () => {
    const lamp = resolveBlock({ id: 12, name: 'lamp', color: 0xffd080, light: 15 });
    expect(lamp).toEqual({
      id: 12, name: 'lamp', color: 0xffd080, solid: true, opaque: true, seeThrough: false, targetable: true, breakable: true,
      liquid: false, light: 15, transparent: false, hardness: 1, flags: Solid | Opaque | Targetable | Breakable,
    });
    const r = createBlockRegistry();
    // The flag bits of the default set before blocks were declared by property (plus SeeThrough, which is new).
    const before: Record<number, number> = {
      [Block.Air]: 0, [Block.Stone]: 15, [Block.Leaves]: Solid | Targetable | Breakable | SeeThrough, [Block.Glass]: Solid | Targetable | Breakable | SeeThrough,
      [Block.Water]: Liquid | SeeThrough, [Block.Bedrock]: Solid | Opaque | Targetable, [Block.Planks]: 15, [Block.Cobblestone]: 15,
    };
    for (const [id, flags] of Object.entries(before)) expect(r.flags[Number(id)], `block ${id}`).toBe(flags);
    expect(r.defs.filter(Boolean)).toHaveLength(DEFAULT_BLOCKS.length);
  });

  it('let light through exactly when not opaque unless they say otherwise; the torch emits 14', () => {
    const r = createBlockRegistry();
    expect([Block.Air, Block.Glass, Block.Leaves, Block.Water, Block.Torch].map((id) => r.defs[id].transparent)).toEqual([true, true, true, true, true]);
    expect([Block.Stone, Block.Dirt, Block.Bedrock].map((id) => r.defs[id].transparent)).toEqual([false, false, false]);
    expect(r.defs[Block.Torch]).toMatchObject({ name: 'torch', light: 14, opaque: false, seeThrough: true });
    expect(resolveBlock({ id: 20, name: 'slab', color: 0, opaque: false, transparent: false }).transparent).toBe(false);
  });

  it('are returned in id order, whatever order they are given in', () => {
    const ids = resolveBlocks([...DEFAULT_BLOCKS].reverse()).map((b) => b.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('refuse what cannot be, naming the block', () => {
    const bad: Array<[object, RegExp]> = [
      [{ id: 70000, name: 'x', color: 0 }, /"x" \(id 70000\): id must be/],
      [{ id: 1, name: 'Has Space', color: 0 }, /name must match/],
      [{ id: 1, name: 'x', color: 0x1000000 }, /color/],
      [{ id: 1, name: 'x', color: 0, light: 16 }, /light must be an integer in 0..15/],
      [{ id: 1, name: 'x', color: 0, hardness: -1 }, /hardness/],
      [{ id: 1, name: 'x', color: 0, seeThrough: true }, /see-through block cannot be opaque/],
      [{ id: 1, name: 'x', color: 0, liquid: true }, /liquid is neither solid nor targetable/],
      [{ id: 0, name: 'void', color: 0 }, /id 0 must be air/],
      [{ id: 1, name: 'x', color: 0, transparent: true }, /opaque block blocks light/],
    ];
    for (const [def, message] of bad) expect(() => resolveBlocks([AIR, def as never]), JSON.stringify(def)).toThrow(message);
    expect(() => resolveBlocks([{ id: 1, name: 'x', color: 0 }])).toThrow(/id 0 must be air/);
    expect(() => resolveBlocks([AIR, { id: 1, name: 'x', color: 0 }, { id: 2, name: 'x', color: 0 }])).toThrow(/name x given twice/);
  });
});
