/** InventoryState: read from one world's stores, written into another's; anything but a whole hotbar is refused. */
import { describe, expect, it } from 'vitest';
import { MsgType } from '../../../engine/protocol/messages.ts';
import { applyInventoryState, inventoryStateOf } from '../../../engine/replication/inventory-state.ts';
import { createGameWorld, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { Block } from '../../../engine/voxel/blocks.ts';

describe('InventoryState', () => {
  it('carries a hotbar from the server to the client exactly', () => {
    const server = createGameWorld({ columnSections: 1 });
    const eid = spawnPlayer(server, 0, 0, 0, [[0, Block.Planks, 64], [8, Block.Glass, 1]]);
    server.ecs.stores.Inventory.selected[eid] = 8;
    const msg = inventoryStateOf(server.ecs.stores, eid, 41);
    expect(msg).toEqual({ type: MsgType.InventoryState, tick: 41, selected: 8, items: [Block.Planks, 0, 0, 0, 0, 0, 0, 0, Block.Glass], counts: [64, 0, 0, 0, 0, 0, 0, 0, 1] });
    const client = createGameWorld({ columnSections: 1 });
    spawnPlayer(client, 0, 0, 0);
    const mine = spawnPlayer(client, 0, 0, 0, [[4, Block.Dirt, 3]]);
    expect(applyInventoryState(client.ecs.stores, mine, msg)).toBeUndefined();
    expect(inventoryStateOf(client.ecs.stores, mine, 41)).toEqual(msg);
  });

  it('refuses anything but a whole hotbar, changing nothing', () => {
    const w = createGameWorld({ columnSections: 1 });
    const eid = spawnPlayer(w, 0, 0, 0, [[0, Block.Stone, 2]]);
    const good = inventoryStateOf(w.ecs.stores, eid, 0);
    const bad: Array<[object, RegExp]> = [
      [{ items: good.items.slice(1) }, /8 items and 9 counts for 9 slots/],
      [{ selected: 9 }, /selected slot 9 is outside 0..8/],
      [{ counts: [65, 0, 0, 0, 0, 0, 0, 0, 0] }, /slot 0 holds 65 items/],
      [{ items: [0, 0, 0, 0, 0, 0, 0, 0, 0] }, /slot 0 holds 2 of item 0/],
    ];
    for (const [patch, reason] of bad) {
      expect(applyInventoryState(w.ecs.stores, eid, { ...good, ...patch })).toMatch(reason);
      expect(inventoryStateOf(w.ecs.stores, eid, 0)).toEqual(good);
    }
  });
});
