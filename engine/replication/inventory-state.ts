/**
 * The owner's hotbar on the wire (InventoryState): read out of the server's stores, and written into the client's
 * own player. Only the owner receives it (the hotbar's replication spec says `owner`).
 */
import { HOTBAR_SLOTS } from '../ecs/components.ts';
import type { EngineStores } from '../ecs/world.ts';
import { MsgType, type InventoryState } from '../protocol/messages.ts';
import { STACK_LIMIT, syncHeldItem } from '../rules/inventory.ts';
import type { Tick } from '../tick.ts';

/** The InventoryState of entity `eid` as of tick `tick`. */
export function inventoryStateOf(stores: EngineStores, eid: number, tick: Tick): InventoryState {
  const inv = stores.Inventory;
  const base = eid * HOTBAR_SLOTS;
  return {
    type: MsgType.InventoryState, tick, selected: inv.selected[eid],
    items: Array.from(inv.item.subarray(base, base + HOTBAR_SLOTS)), counts: Array.from(inv.count.subarray(base, base + HOTBAR_SLOTS)),
  };
}

/**
 * Writes `msg` into entity `eid`'s hotbar. Returns a reason, changing nothing, when it is not a whole hotbar
 * (HOTBAR_SLOTS slots, a selected slot among them, counts up to the stack limit, an item wherever the count is not 0).
 */
export function applyInventoryState(stores: EngineStores, eid: number, msg: InventoryState): string | undefined {
  if (msg.items.length !== HOTBAR_SLOTS || msg.counts.length !== HOTBAR_SLOTS) return `${msg.items.length} items and ${msg.counts.length} counts for ${HOTBAR_SLOTS} slots`;
  if (msg.selected >= HOTBAR_SLOTS) return `selected slot ${msg.selected} is outside 0..${HOTBAR_SLOTS - 1}`;
  for (let i = 0; i < HOTBAR_SLOTS; i++) {
    if (msg.counts[i] > STACK_LIMIT) return `slot ${i} holds ${msg.counts[i]} items (limit ${STACK_LIMIT})`;
    if ((msg.counts[i] === 0) !== (msg.items[i] === 0)) return `slot ${i} holds ${msg.counts[i]} of item ${msg.items[i]}`;
  }
  const inv = stores.Inventory;
  const base = eid * HOTBAR_SLOTS;
  inv.item.set(msg.items, base);
  inv.count.set(msg.counts, base);
  inv.selected[eid] = msg.selected;
  syncHeldItem(stores, eid);
  return undefined;
}
