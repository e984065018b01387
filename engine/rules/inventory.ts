/**
 * Hotbar rules: selecting and swapping slots, and taking or giving items. Every function checks first and changes
 * nothing when it refuses.
 */
import { HOTBAR_SLOTS } from '../ecs/components.ts';
import type { EngineStores } from '../ecs/world.ts';
import { InventoryOpKind, type InventoryOp } from '../input.ts';
import { refuse, type RuleResult } from './result.ts';

/** Most items in one slot. */
export const STACK_LIMIT = 64;

const OK: RuleResult = { ok: true };

function validSlot(s: number): boolean {
  return Number.isInteger(s) && s >= 0 && s < HOTBAR_SLOTS;
}

/**
 * Sets entity `eid`'s HeldItem (what others see it hold) to its selected slot's item. Every rule here that changes
 * the hotbar calls it; code that writes the Inventory store directly calls it after.
 */
export function syncHeldItem(stores: EngineStores, eid: number): void {
  stores.HeldItem.item[eid] = stores.Inventory.item[eid * HOTBAR_SLOTS + stores.Inventory.selected[eid]];
}

/** Applies a select or swap. Refuses slots outside 0..8 and unknown kinds. */
export function applyInventoryOp(stores: EngineStores, eid: number, op: InventoryOp): RuleResult {
  const inv = stores.Inventory;
  if (!validSlot(op.a)) return refuse('bad-slot', `slot ${op.a} is outside 0..${HOTBAR_SLOTS - 1}`);
  if (op.kind === InventoryOpKind.Select) {
    inv.selected[eid] = op.a;
    syncHeldItem(stores, eid);
    return OK;
  }
  if (op.kind === InventoryOpKind.Swap) {
    if (!validSlot(op.b)) return refuse('bad-slot', `slot ${op.b} is outside 0..${HOTBAR_SLOTS - 1}`);
    const i = eid * HOTBAR_SLOTS + op.a, j = eid * HOTBAR_SLOTS + op.b;
    [inv.item[i], inv.item[j]] = [inv.item[j], inv.item[i]];
    [inv.count[i], inv.count[j]] = [inv.count[j], inv.count[i]];
    syncHeldItem(stores, eid);
    return OK;
  }
  return refuse('bad-op', `unknown inventory operation ${String((op as InventoryOp).kind)}`);
}

/** The block id and count in the selected slot. */
export function selectedItem(stores: EngineStores, eid: number): { slot: number; item: number; count: number } {
  const slot = stores.Inventory.selected[eid];
  const i = eid * HOTBAR_SLOTS + slot;
  return { slot, item: stores.Inventory.item[i], count: stores.Inventory.count[i] };
}

/** Removes one item from the selected slot (which must hold one); an emptied slot is cleared. */
export function takeSelected(stores: EngineStores, eid: number): void {
  const i = eid * HOTBAR_SLOTS + stores.Inventory.selected[eid];
  const n = stores.Inventory.count[i] - 1;
  stores.Inventory.count[i] = n;
  if (n === 0) stores.Inventory.item[i] = 0;
  syncHeldItem(stores, eid);
}

/**
 * Adds `count` (default 1) of `item` to the hotbar: first onto slots holding it with room, then into empty slots in
 * order. All or nothing: false, changing nothing, when they do not all fit.
 */
export function giveItem(stores: EngineStores, eid: number, item: number, count = 1): boolean {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const { item: items, count: counts } = stores.Inventory;
  const base = eid * HOTBAR_SLOTS;
  let room = 0;
  for (let s = 0; s < HOTBAR_SLOTS; s++) {
    if (items[base + s] === item && counts[base + s] > 0) room += STACK_LIMIT - counts[base + s];
    else if (counts[base + s] === 0) room += STACK_LIMIT;
  }
  if (room < count) return false;
  let left = count;
  for (let s = 0; s < HOTBAR_SLOTS && left > 0; s++) {
    if (items[base + s] === item && counts[base + s] > 0) {
      const n = Math.min(left, STACK_LIMIT - counts[base + s]);
      counts[base + s] += n;
      left -= n;
    }
  }
  for (let s = 0; s < HOTBAR_SLOTS && left > 0; s++) {
    if (counts[base + s] === 0) {
      const n = Math.min(left, STACK_LIMIT);
      items[base + s] = item;
      counts[base + s] = n;
      left -= n;
    }
  }
  syncHeldItem(stores, eid);
  return true;
}

/** Fills slot `slot` with `count` of `item` (spawning kits, tests). */
export function setSlot(stores: EngineStores, eid: number, slot: number, item: number, count: number): void {
  if (!validSlot(slot)) throw new RangeError(`slot must be in 0..${HOTBAR_SLOTS - 1}, got ${slot}`);
  if (!(Number.isInteger(count) && count >= 0 && count <= STACK_LIMIT)) throw new RangeError(`count must be in 0..${STACK_LIMIT}, got ${count}`);
  stores.Inventory.item[eid * HOTBAR_SLOTS + slot] = count ? item : 0;
  stores.Inventory.count[eid * HOTBAR_SLOTS + slot] = count;
  syncHeldItem(stores, eid);
}
