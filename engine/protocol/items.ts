/**
 * Items and crafting recipes in the protocol definition (sections `items` and `recipes`). Every block is an item
 * with its block id (stack size {@link STACK_LIMIT}); a game declares its other items (tools, sticks...) with ids
 * from {@link ITEM_IDS}. A recipe turns the items laid in a 2x2 grid into an output: `shaped` (the pattern as laid,
 * wherever it sits in the grid) or `shapeless` (the same items in any cells). Both sections go into the canonical
 * text and hash, so a client and a server agree on them; the rules that use them are the game's (its actions).
 */
import { STACK_LIMIT } from '../rules/inventory.ts';
import type { BlockType } from '../voxel/blocks.ts';

/** The ids a game's non-block items take (block items are the block ids, below). */
export const ITEM_IDS = { min: 256, max: 65535 } as const;

/** Cells of the crafting grid (2x2, row-major: top-left, top-right, bottom-left, bottom-right). */
export const CRAFT_GRID = 4;

/** A non-block item. */
export interface ItemDef {
  /** Item id in {@link ITEM_IDS}. */
  readonly id: number;
  /** Unique name (letters, digits, `_`), distinct from every block's. */
  readonly name: string;
  /** Most in one slot, 1..{@link STACK_LIMIT} (default {@link STACK_LIMIT}). */
  readonly stack?: number;
}

/** An item of a definition, blocks included (resolved: the stack size is set). */
export interface ItemType {
  /** Item id (a block's id for a block). */
  readonly id: number;
  /** Name. */
  readonly name: string;
  /** Most in one slot. */
  readonly stack: number;
  /** True for a block item. */
  readonly block: boolean;
}

/** A crafting recipe. */
export interface RecipeDef {
  /** Recipe id, 1..65535. */
  readonly id: number;
  /** Unique name (letters, digits, `_`). */
  readonly name: string;
  /** `shaped`: the pattern as laid (moved anywhere in the grid); `shapeless`: its items in any cells. */
  readonly shape: 'shaped' | 'shapeless';
  /** Item id per grid cell, row-major 2x2 (0 = empty cell); at least one item. */
  readonly pattern: readonly [number, number, number, number];
  /** The item made. */
  readonly output: number;
  /** How many are made, 1..the output's stack size. */
  readonly count: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Checks the items against the blocks; returns every item (blocks first) in id order. Throws RangeError. */
export function resolveItems(items: readonly ItemDef[], blocks: readonly BlockType[]): readonly ItemType[] {
  const out = new Map<number, ItemType>();
  const names = new Set<string>();
  for (const b of blocks) {
    out.set(b.id, Object.freeze({ id: b.id, name: b.name, stack: STACK_LIMIT, block: true }));
    names.add(b.name);
  }
  for (const it of items) {
    const what = `item ${JSON.stringify(it?.name)}`;
    if (!Number.isInteger(it.id) || it.id < ITEM_IDS.min || it.id > ITEM_IDS.max) throw new RangeError(`${what}: id must be an integer in ${ITEM_IDS.min}..${ITEM_IDS.max} (block items are the blocks themselves), got ${it.id}`);
    if (typeof it.name !== 'string' || !NAME.test(it.name)) throw new RangeError(`${what} (id ${it.id}): name must match ${NAME}`);
    if (out.has(it.id)) throw new RangeError(`item id ${it.id} given twice (${out.get(it.id)!.name}, ${it.name})`);
    if (names.has(it.name)) throw new RangeError(`item name ${it.name} given twice (an item may not share a block's name)`);
    const stack = it.stack ?? STACK_LIMIT;
    if (!Number.isInteger(stack) || stack < 1 || stack > STACK_LIMIT) throw new RangeError(`${what}: stack must be an integer in 1..${STACK_LIMIT}, got ${stack}`);
    out.set(it.id, Object.freeze({ id: it.id, name: it.name, stack, block: false }));
    names.add(it.name);
  }
  return Object.freeze([...out.values()].sort((a, b) => a.id - b.id));
}

/** Checks the recipes against the items (`items` from {@link resolveItems}); returns them in id order. Throws RangeError. */
export function resolveRecipes(recipes: readonly RecipeDef[], items: readonly ItemType[]): readonly RecipeDef[] {
  const byId = new Map<number, ItemType>(items.map((i) => [i.id, i]));
  const seen = new Map<number, RecipeDef>();
  const names = new Set<string>();
  const keys = new Map<string, string>();
  for (const r of recipes) {
    const what = `recipe ${JSON.stringify(r?.name)}`;
    if (!Number.isInteger(r.id) || r.id < 1 || r.id > 65535) throw new RangeError(`${what}: id must be an integer in 1..65535, got ${r.id}`);
    if (typeof r.name !== 'string' || !NAME.test(r.name)) throw new RangeError(`${what} (id ${r.id}): name must match ${NAME}`);
    if (seen.has(r.id)) throw new RangeError(`recipe id ${r.id} given twice (${seen.get(r.id)!.name}, ${r.name})`);
    if (names.has(r.name)) throw new RangeError(`recipe name ${r.name} given twice`);
    if (r.shape !== 'shaped' && r.shape !== 'shapeless') throw new RangeError(`${what}: shape must be 'shaped' or 'shapeless', got ${JSON.stringify(r.shape)}`);
    if (!Array.isArray(r.pattern) || r.pattern.length !== CRAFT_GRID) throw new RangeError(`${what}: pattern must list ${CRAFT_GRID} cells (row-major 2x2, 0 = empty)`);
    for (const c of r.pattern) {
      if (c === 0) continue;
      if (!byId.has(c)) throw new RangeError(`${what}: pattern names item ${c}, which is neither a block nor a declared item`);
    }
    if (r.pattern.every((c) => c === 0)) throw new RangeError(`${what}: pattern is empty`);
    const out = byId.get(r.output);
    if (!out || r.output === 0) throw new RangeError(`${what}: output ${r.output} is neither a block nor a declared item`);
    if (!Number.isInteger(r.count) || r.count < 1 || r.count > out.stack) throw new RangeError(`${what}: count must be an integer in 1..${out.stack} (the stack size of ${out.name}), got ${r.count}`);
    const key = recipeKey(r.shape, r.pattern);
    if (keys.has(key)) throw new RangeError(`${what}: same pattern as recipe ${keys.get(key)}: the grid could not tell them apart`);
    keys.set(key, r.name);
    seen.set(r.id, Object.freeze({ id: r.id, name: r.name, shape: r.shape, pattern: Object.freeze([...r.pattern]) as unknown as RecipeDef['pattern'], output: r.output, count: r.count }));
    names.add(r.name);
  }
  return Object.freeze([...seen.values()].sort((a, b) => a.id - b.id));
}

/**
 * The pattern moved to the grid's top-left corner (empty top row and left column removed), so that a shaped
 * recipe matches wherever it is laid.
 */
export function normalizePattern(grid: readonly number[]): number[] {
  let g = [...grid];
  if (g[0] === 0 && g[1] === 0) g = [g[2], g[3], 0, 0];
  if (g[0] === 0 && g[2] === 0) g = [g[1], 0, g[3], 0];
  return g;
}

function recipeKey(shape: RecipeDef['shape'], pattern: readonly number[]): string {
  return shape === 'shaped' ? `shaped ${normalizePattern(pattern).join(',')}` : `shapeless ${pattern.filter((c) => c !== 0).sort((a, b) => a - b).join(',')}`;
}

/** The recipe the grid's items (row-major 2x2, 0 = empty) make, or undefined. Shaped recipes are tried first. */
export function matchRecipe(recipes: readonly RecipeDef[], grid: readonly number[]): RecipeDef | undefined {
  if (grid.length !== CRAFT_GRID) return undefined;
  const shaped = recipeKey('shaped', grid), shapeless = recipeKey('shapeless', grid);
  return recipes.find((r) => r.shape === 'shaped' && recipeKey('shaped', r.pattern) === shaped)
    ?? recipes.find((r) => r.shape === 'shapeless' && recipeKey('shapeless', r.pattern) === shapeless);
}

/** `<id> <name> stack=<n>` per non-block item (block items follow from the blocks section). */
export function canonicalItems(items: readonly ItemType[]): string {
  return items.filter((i) => !i.block).map((i) => `${i.id} ${i.name} stack=${i.stack}`).join('\n');
}

/** `<id> <name> <shape> <cell>,<cell>,<cell>,<cell> -> <output>x<count>` per recipe. */
export function canonicalRecipes(recipes: readonly RecipeDef[]): string {
  return [...recipes].sort((a, b) => a.id - b.id).map((r) => `${r.id} ${r.name} ${r.shape} ${r.pattern.join(',')} -> ${r.output}x${r.count}`).join('\n');
}
