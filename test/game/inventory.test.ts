/**
 * Inventory and crafting on the loopback stepper (game/inventory.ts, game/server/inventories.ts): the items and
 * recipes sections of the protocol definition and their checks; Craft refused with a reason changing nothing;
 * accepted crafting changing exactly the inputs and the output; the client's prediction equal to the server's
 * result; MoveItem; inventories kept in the store across a server restart, keyed by player name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Block, BlockActionKind, InventoryOpKind, ProtocolDefinitionError, defineProtocol, giveItem, loadHasher, stateHash, type GameWorld, type PlayerInput } from '../../engine/index.ts';
import { openEditStore, type EditStore } from '../../engine/server.ts';
import type { GameClient } from '../../engine/client.ts';
import { Craft, EMPTY_CELL, GAME_KIT, GAME_RECIPES, INVENTORY_SLOTS, Item, MoveItem, backpacks, giveItems, inventoryOf, setInventory } from '../../game/inventory.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';
import { SAVE_EVERY_TICKS, createInventoryPersistence, parseSavedInventory } from '../../game/server/inventories.ts';
import { createStepper } from '../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const dir = mkdtempSync(join(tmpdir(), 'stratum-inv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function game(store: EditStore | null = null) {
  const inv = createInventoryPersistence(store);
  // eslint-disable-next-line prefer-const
  let st: Awaited<ReturnType<typeof createStepper>>;
  st = await createStepper({
    protocol: GAME_PROTOCOL, kit: GAME_KIT, store,
    game: { systems: [backpacks, inv.system], onJoin: (p) => inv.join(st.server.world, p), onLeave: (p) => inv.leave(st.server.world, p) },
  });
  return { st, inv };
}

/** The server's view of the one player. */
const serverInv = (st: Awaited<ReturnType<typeof createStepper>>) => {
  const [p] = st.server.players.values();
  return inventoryOf(st.server.world, p.eid);
};
/** The client's predicted view of its own player. */
const clientInv = (c: GameClient) => inventoryOf(c.world as GameWorld, c.localEid);
const results = (events: Array<[string, unknown]>) => events.filter(([n]) => n === 'ActionResult').map(([, e]) => e as { ok: boolean; reason: string; name: string });
const ready = (c: GameClient) => c.predictor !== undefined && c.own('Backpack') !== undefined && c.own('Inventory') !== undefined;

const kitSlots = (): [number, number][] => {
  const s: [number, number][] = Array.from({ length: INVENTORY_SLOTS }, () => [0, 0]);
  for (const [slot, item, count] of GAME_KIT) s[slot] = [item, count];
  return s;
};

describe('items and recipes in the protocol definition', () => {
  it('are part of the canonical text and hash, and bad definitions get a clear error naming the section', () => {
    expect(GAME_PROTOCOL.canonical.items).toBe('256 stick stack=64');
    expect(GAME_PROTOCOL.canonical.recipes).toContain(`2 sticks shaped ${Block.Planks},0,${Block.Planks},0 -> 256x4`);
    expect(GAME_PROTOCOL.items.find((i) => i.id === Block.Planks)).toMatchObject({ name: 'planks', block: true });
    const bad = (spec: Parameters<typeof defineProtocol>[0], section: string, msg: RegExp) => {
      let err: unknown;
      try { defineProtocol(spec); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ProtocolDefinitionError);
      expect((err as ProtocolDefinitionError).section).toBe(section);
      expect((err as Error).message).toMatch(msg);
    };
    bad({ items: [{ id: 256, name: 'a' }, { id: 256, name: 'b' }] }, 'items', /item id 256 given twice/);
    bad({ items: [{ id: 12, name: 'a' }] }, 'items', /256\.\.65535/);
    bad({ items: [{ id: 300, name: 'stone' }] }, 'items', /share a block's name/);
    bad({ recipes: [{ id: 1, name: 'r', shape: 'shapeless', pattern: [999, 0, 0, 0], output: 1, count: 1 }] }, 'recipes', /item 999, which is neither/);
    bad({ recipes: [{ id: 1, name: 'r', shape: 'shapeless', pattern: [1, 0, 0, 0], output: 257, count: 1 }] }, 'recipes', /output 257/);
    bad({ recipes: [{ id: 1, name: 'r', shape: 'shaped', pattern: [1, 0, 1, 0], output: 2, count: 1 }, { id: 2, name: 's', shape: 'shaped', pattern: [0, 1, 0, 1], output: 3, count: 1 }] }, 'recipes', /same pattern as recipe r/);
    bad({ recipes: [{ id: 1, name: 'r', shape: 'shaped', pattern: [1, 0, 1, 0], output: 2, count: 65 }] }, 'recipes', /count must be an integer in 1\.\.64/);
    // Another recipe table is another protocol.
    const other = defineProtocol({ ...specOf(), recipes: GAME_RECIPES.map((r) => (r.id === 2 ? { ...r, count: 2 } : r)) });
    expect(other.canonical.recipes).not.toBe(GAME_PROTOCOL.canonical.recipes);
  });
});

function specOf() {
  return { blocks: undefined, components: GAME_PROTOCOL.components as never, actions: GAME_PROTOCOL.actions as never, items: [{ id: Item.Stick, name: 'stick' }] };
}

describe('crafting on the loopback stepper', () => {
  it('refuses with a reason and changes nothing; accepts and changes exactly the inputs and the output; the prediction equals the server', async () => {
    const { st } = await game();
    const a = st.addClient(idle);
    st.step(60);
    expect(ready(a.client)).toBe(true);
    expect(serverInv(st)).toEqual(kitSlots());
    expect(clientInv(a.client)).toEqual(kitSlots());

    const E = EMPTY_CELL;
    const refusals: [Parameters<typeof a.client.act<typeof Craft.fields>>[1], string][] = [
      [{ c0: 1, c1: E, c2: E, c3: E }, 'unknown-recipe'], // one cobblestone
      [{ c0: 0, c1: 1, c2: E, c3: E }, 'unknown-recipe'], // planks beside cobblestone
      [{ c0: 7, c1: E, c2: E, c3: E }, 'missing-items'], // an empty slot
      [{ c0: 40, c1: E, c2: E, c3: E }, 'bad-slot'],
      [{ c0: E, c1: E, c2: E, c3: E }, 'unknown-recipe'], // nothing
    ];
    for (const [grid, reason] of refusals) {
      // The prediction refuses at once, with the server's reason, and changes nothing.
      expect(a.client.act(Craft, grid)).toEqual({ ok: false, reason });
      st.step(10);
      expect(results(a.events).at(-1)).toMatchObject({ name: 'Craft', ok: false, reason });
      expect(serverInv(st)).toEqual(kitSlots());
      expect(clientInv(a.client)).toEqual(kitSlots());
    }

    // Two planks from slot 0, one above the other (in the grid's right column: shaped recipes match anywhere).
    expect(a.client.act(Craft, { c0: E, c1: 0, c2: E, c3: 0 })).toEqual({ ok: true });
    const want = kitSlots();
    want[0] = [Block.Planks, 62];
    want[6] = [Item.Stick, 4];
    expect(clientInv(a.client)).toEqual(want); // predicted at once
    st.step(10);
    expect(results(a.events).at(-1)).toMatchObject({ name: 'Craft', ok: true });
    expect(serverInv(st)).toEqual(want);
    expect(clientInv(a.client)).toEqual(want);

    // One wood (slot 5) into four planks: they go onto the planks stack.
    expect(a.client.act(Craft, { c0: E, c1: E, c2: 5, c3: E })).toEqual({ ok: true });
    st.step(10);
    want[0] = [Block.Planks, 64];
    want[7] = [Block.Planks, 2]; // the first empty slot
    want[5] = [Block.Wood, 15];
    expect(serverInv(st)).toEqual(want);
    expect(clientInv(a.client)).toEqual(want);

    // MoveItem: the sticks into the backpack's last slot, one of the two planks onto slot 9 (the backpack's first; the
    // kit's torches hold slot 8); refusals change nothing.
    expect(a.client.act(MoveItem, { from: 6, to: 35, count: 0 })).toEqual({ ok: true });
    expect(a.client.act(MoveItem, { from: 7, to: 9, count: 1 })).toEqual({ ok: true });
    expect(a.client.act(MoveItem, { from: 6, to: 9, count: 0 })).toEqual({ ok: false, reason: 'empty-slot' });
    st.step(10);
    expect(a.client.act(MoveItem, { from: 0, to: 1, count: 1 })).toEqual({ ok: false, reason: 'no-room' }); // part of a stack onto another item
    expect(a.client.act(MoveItem, { from: 35, to: 36, count: 0 })).toEqual({ ok: false, reason: 'bad-slot' });
    expect(a.client.act(MoveItem, { from: 35, to: 34, count: 5 })).toEqual({ ok: false, reason: 'bad-count' });
    st.step(10);
    expect(results(a.events).slice(-3).map((r) => r.reason)).toEqual(['no-room', 'bad-slot', 'bad-count']);
    want[35] = [Item.Stick, 4]; want[6] = [0, 0]; want[7] = [Block.Planks, 1]; want[9] = [Block.Planks, 1];
    expect(serverInv(st)).toEqual(want);
    expect(clientInv(a.client)).toEqual(want);
  });

  it('refuses no-room when the output does not fit, changing nothing, and the client is rolled back', async () => {
    const { st } = await game();
    const a = st.addClient(idle);
    st.step(60);
    const [p] = st.server.players.values();
    // Every slot full of stone but slot 0: two planks; crafting sticks frees nothing (62 planks... none left).
    const full: [number, number][] = Array.from({ length: INVENTORY_SLOTS }, () => [Block.Stone, 64]);
    full[0] = [Block.Planks, 3];
    setInventory(st.server.world, p.eid, full);
    st.step(10);
    expect(clientInv(a.client)).toEqual(full);
    expect(a.client.act(Craft, { c0: 0, c1: EMPTY_CELL, c2: 0, c3: EMPTY_CELL })).toEqual({ ok: false, reason: 'no-room' });
    st.step(10);
    expect(results(a.events).at(-1)).toMatchObject({ ok: false, reason: 'no-room' });
    expect(serverInv(st)).toEqual(full);
    expect(clientInv(a.client)).toEqual(full);
  });

  it('pick-ups: giveItems fills stacks then empty slots over all 36, all or nothing; the engine giveItem takes a count on the hotbar', async () => {
    const { st } = await game();
    st.addClient(idle);
    st.step(40);
    const [p] = st.server.players.values();
    const w = st.server.world;
    const full: [number, number][] = Array.from({ length: INVENTORY_SLOTS }, () => [Block.Stone, 64]);
    full[3] = [Block.Dirt, 60];
    full[20] = [0, 0];
    setInventory(w, p.eid, full);
    expect(giveItems(w, p.eid, Block.Dirt, 4 + 64 + 1)).toBe(false); // room for 68 only
    expect(inventoryOf(w, p.eid)).toEqual(full);
    expect(giveItems(w, p.eid, Block.Dirt, 4 + 10)).toBe(true);
    expect(inventoryOf(w, p.eid)[3]).toEqual([Block.Dirt, 64]);
    expect(inventoryOf(w, p.eid)[20]).toEqual([Block.Dirt, 10]);
    expect(() => giveItems(w, p.eid, Block.Dirt, 0)).toThrow(/positive integer/);

    setInventory(w, p.eid, kitSlots());
    expect(giveItem(w.ecs.stores, p.eid, Item.Stick)).toBe(true); // the mobs' call: one item
    expect(giveItem(w.ecs.stores, p.eid, Item.Stick, 70)).toBe(true);
    expect(inventoryOf(w, p.eid).slice(6, 9)).toEqual([[Item.Stick, 64], [Item.Stick, 7], [Block.Torch, 16]]);
    expect(giveItem(w.ecs.stores, p.eid, Block.Glass, 65)).toBe(false); // no empty hotbar slot, and the glass stack is full
    expect(inventoryOf(w, p.eid)[2]).toEqual([Block.Glass, 64]);
  });

  it('hotbar changes predicted from block actions and hotbar operations survive OwnStates that predate them', async () => {
    const { st } = await game();
    let at = -1;
    const a = st.addClient((c) => {
      const b = c.predictor?.body;
      if (!b || c.tick <= 60) return idle();
      if (at < 0) at = c.tick;
      if (c.tick === at) return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + 2, y: 6, z: Math.floor(b.z), face: 3 } };
      if (c.tick === at + 1) return { ...idle(), inventory: { kind: InventoryOpKind.Select, a: 4, b: 0 } };
      return idle();
    }, { latencyMs: 100 });
    const seen: string[] = [];
    for (let i = 0; i < 140; i++) {
      // A server-side change every tick: OwnStates keep coming, each older than the client's newest inputs.
      const [p] = st.server.players.values();
      if (p) st.server.world.ecs.stores.Health.current[p.eid] = 17 + (i % 3);
      st.step(1);
      if (at < 0 || a.client.tick <= at) continue;
      const inv = a.client.world.ecs.stores.Inventory, e = a.client.localEid;
      const state = `${inv.count[e * 9]}/${inv.selected[e]}`;
      if (seen.at(-1) !== state) seen.push(state);
    }
    // Predicted at once, never undone by an OwnState from before the server applied them.
    expect(seen).toEqual(['63/0', '63/4']);
    expect(serverInv(st)[0]).toEqual([Block.Planks, 63]);
  });

  it('the state hash covers the backpack', async () => {
    const { st } = await game();
    st.addClient(idle);
    st.step(40);
    const [p] = st.server.players.values();
    const hasher = await loadHasher();
    const h = stateHash(hasher, st.server.world);
    const slots = inventoryOf(st.server.world, p.eid);
    slots[20] = [Item.Stick, 1];
    setInventory(st.server.world, p.eid, slots);
    expect(stateHash(hasher, st.server.world)).not.toBe(h);
  });
});

describe('inventories kept by player name', () => {
  it('survive a server restart (SQLite store), and a new name gets the kit', async () => {
    const path = join(dir, 'world.sqlite');
    const store1 = openEditStore(path);
    const first = await game(store1);
    const a = first.st.addClient(idle, undefined, 1); // named p1
    first.st.step(60);
    expect(a.client.act(Craft, { c0: 0, c1: EMPTY_CELL, c2: 0, c3: EMPTY_CELL })).toEqual({ ok: true });
    first.st.step(10);
    const crafted = serverInv(first.st);
    expect(crafted[6]).toEqual([Item.Stick, 4]);
    a.client.stop('bye');
    first.st.step(20);
    expect(first.st.server.players.size).toBe(0);
    first.st.server.stop('restart'); // closes its store

    const store2 = openEditStore(path);
    expect(parseSavedInventory(store2.getMeta('inventory:p1')!).slots).toEqual(crafted);
    const second = await game(store2);
    const again = second.st.addClient(idle, undefined, 1); // p1 again
    second.st.step(60);
    expect(serverInv(second.st)).toEqual(crafted);
    expect(clientInv(again.client)).toEqual(crafted);
    const other = second.st.addClient(idle, undefined, 2); // p2: new
    second.st.step(60);
    const p2 = [...second.st.server.players.values()].find((p) => p.session.name === 'p2')!;
    expect(inventoryOf(second.st.server.world, p2.eid)).toEqual(kitSlots());
    expect(clientInv(other.client)).toEqual(kitSlots());
    second.st.server.stop('done');
  });

  it('are saved periodically while playing and by saveAll, only when changed', async () => {
    const path = join(dir, 'periodic.sqlite');
    const store = openEditStore(path);
    const { st, inv } = await game(store);
    const a = st.addClient(idle, undefined, 3);
    st.step(60);
    expect(store.getMeta('inventory:p3')).toBeUndefined(); // the kit, unchanged: nothing to save yet
    expect(a.client.act(Craft, { c0: 5, c1: EMPTY_CELL, c2: EMPTY_CELL, c3: EMPTY_CELL })).toEqual({ ok: true });
    st.step(SAVE_EVERY_TICKS + 5);
    expect(parseSavedInventory(store.getMeta('inventory:p3')!).slots[5]).toEqual([Block.Wood, 15]);
    expect(a.client.act(Craft, { c0: 5, c1: EMPTY_CELL, c2: EMPTY_CELL, c3: EMPTY_CELL })).toEqual({ ok: true });
    st.step(5);
    inv.saveAll(st.server.world);
    expect(parseSavedInventory(store.getMeta('inventory:p3')!).slots[5]).toEqual([Block.Wood, 14]);
    st.server.stop('done');
  });

  it('without a store, in memory for the process; a corrupt stored inventory is refused with a reason', () => {
    expect(() => parseSavedInventory('{"slots":[],"selected":0}')).toThrow(/36 slots/);
    expect(() => parseSavedInventory('nope')).toThrow(/not JSON/);
    const inv = createInventoryPersistence(null);
    expect(inv.load('x')).toBeUndefined();
  });
});
