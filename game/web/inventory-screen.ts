/**
 * The inventory screen (E opens and closes it): the 27 backpack slots, the hotbar, a 2x2 crafting grid and its
 * output. Click a slot to pick it up, then another slot to move it there (MoveItem: onto an empty slot or the same
 * item, else the two swap), or a grid cell to lay it there; click a laid cell to clear it; click the output to craft
 * (Craft). Both are predicted actions: the screen shows the client's predicted inventory, which the server confirms
 * or rolls back. A grid cell names the slot its item comes from, so nothing sits in the grid between crafts.
 */
import { matchRecipe, type ActionOutcome } from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';
import { Craft, EMPTY_CELL, GAME_RECIPES, GRID_CELLS, INVENTORY_SLOTS, MoveItem, inventoryOf } from '../inventory.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { HOTBAR_SLOTS, type GameWorld } from '../../engine/index.ts';

/** The open screen's state and elements. */
export interface InventoryScreen {
  /** The overlay element. */
  readonly root: HTMLElement;
  /** True while shown. */
  open: boolean;
  /** The slot picked up (0..35), or -1. */
  picked: number;
  /** Per grid cell, the slot its item comes from, or EMPTY_CELL. */
  readonly grid: number[];
  /** The last outcome of an action made from the screen (for the status line). */
  last: string;
}

const name = (item: number) => GAME_PROTOCOL.items.find((i) => i.id === item)?.name ?? `item ${item}`;
const colorOf = (item: number) => {
  const b = GAME_PROTOCOL.blocks.find((x) => x.id === item);
  return b ? `#${b.color.toString(16).padStart(6, '0')}` : '#c8a060';
};

function cell(parent: HTMLElement, attr: string, value: string): HTMLElement {
  const c = document.createElement('div');
  c.setAttribute(attr, value);
  c.style.cssText = 'width:40px;height:40px;border:2px solid rgba(0,0,0,.6);background:rgba(0,0,0,.3);position:relative;cursor:pointer;pointer-events:auto';
  parent.appendChild(c);
  return c;
}

function paint(c: HTMLElement, item: number, count: number, picked: boolean): void {
  c.style.borderColor = picked ? '#fff' : 'rgba(0,0,0,.6)';
  c.title = count ? `${name(item)} x${count}` : '';
  c.dataset.item = String(count ? item : 0);
  c.dataset.count = String(count);
  c.innerHTML = count
    ? `<div style="position:absolute;inset:8px;background:${colorOf(item)}"></div><span style="position:absolute;left:2px;top:0;font-size:9px">${name(item).slice(0, 6)}</span><span style="position:absolute;right:2px;bottom:0">${count}</span>`
    : '';
}

/** Builds the (hidden) screen in `root` over `client`; `onOpen` hears when it opens or closes (to stop movement keys). */
export function createInventoryScreen(root: HTMLElement, client: GameClient, onOpen: (open: boolean) => void): InventoryScreen {
  const box = document.createElement('div');
  box.className = 'inventory-screen';
  box.style.cssText = 'position:absolute;left:50%;top:50%;transform:translate(-50%,-50%);background:rgba(30,30,30,.85);padding:12px;display:none;pointer-events:auto';
  root.appendChild(box);
  const craftRow = document.createElement('div');
  craftRow.style.cssText = 'display:flex;gap:4px;align-items:center;margin-bottom:10px';
  const gridBox = document.createElement('div');
  gridBox.style.cssText = 'display:grid;grid-template-columns:repeat(2,44px);gap:2px';
  const arrow = document.createElement('span');
  arrow.textContent = ' => ';
  craftRow.append(gridBox, arrow);
  const grid = Array.from({ length: GRID_CELLS }, (_, i) => cell(gridBox, 'data-grid', String(i)));
  const output = cell(craftRow, 'data-output', '');
  const status = document.createElement('span');
  status.className = 'inventory-status';
  craftRow.appendChild(status);
  box.appendChild(craftRow);
  const main = document.createElement('div');
  main.style.cssText = 'display:grid;grid-template-columns:repeat(9,44px);gap:2px;margin-bottom:10px';
  const bar = document.createElement('div');
  bar.style.cssText = 'display:grid;grid-template-columns:repeat(9,44px);gap:2px';
  box.append(main, bar);
  const slots: HTMLElement[] = [];
  for (let s = HOTBAR_SLOTS; s < INVENTORY_SLOTS; s++) slots[s] = cell(main, 'data-slot', String(s));
  for (let s = 0; s < HOTBAR_SLOTS; s++) slots[s] = cell(bar, 'data-slot', String(s));

  const screen: InventoryScreen = { root: box, open: false, picked: -1, grid: Array(GRID_CELLS).fill(EMPTY_CELL), last: '' };
  const inv = () => (client.localEid ? inventoryOf(client.world as GameWorld, client.localEid) : undefined);
  const note = (what: string, r: ActionOutcome | undefined) => { screen.last = r ? (r.ok ? `${what}: ok` : `${what}: ${r.reason}`) : `${what}: sent`; };
  const render = () => {
    const items = inv();
    if (!items) return;
    items.forEach(([item, count], s) => paint(slots[s], item, count, s === screen.picked));
    const laid = screen.grid.map((src) => (src === EMPTY_CELL ? 0 : items[src][1] ? items[src][0] : 0));
    screen.grid.forEach((src, i) => paint(grid[i], laid[i], src === EMPTY_CELL ? 0 : Math.min(1, items[src][1]), false));
    const r = matchRecipe(GAME_RECIPES, laid);
    paint(output, r?.output ?? 0, r?.count ?? 0, false);
    status.textContent = screen.last;
  };
  box.addEventListener('click', (e) => {
    const t = (e.target as HTMLElement).closest('[data-slot],[data-grid],[data-output]') as HTMLElement | null;
    if (!t) return;
    const items = inv();
    if (!items) return;
    if (t.dataset.slot !== undefined) {
      const s = Number(t.dataset.slot);
      if (screen.picked < 0) { if (items[s][1]) screen.picked = s; }
      else if (screen.picked === s) screen.picked = -1;
      else { note('move', client.act(MoveItem, { from: screen.picked, to: s, count: 0 })); screen.picked = -1; }
    } else if (t.dataset.grid !== undefined) {
      const i = Number(t.dataset.grid);
      if (screen.picked >= 0) { screen.grid[i] = screen.picked; screen.picked = -1; } else screen.grid[i] = EMPTY_CELL;
    } else {
      const [c0, c1, c2, c3] = screen.grid;
      note('craft', client.act(Craft, { c0, c1, c2, c3 }));
    }
    render();
  });
  window.addEventListener('keydown', (e) => {
    if (e.code !== 'KeyE' || (e.target as HTMLElement | null)?.tagName === 'INPUT') return;
    screen.open = !screen.open;
    box.style.display = screen.open ? '' : 'none';
    if (screen.open && document.pointerLockElement) document.exitPointerLock();
    screen.picked = -1;
    onOpen(screen.open);
    render();
  });
  client.bus.on('ActionResult', (r) => {
    if (r.name === 'Craft' || r.name === 'MoveItem') { if (!r.ok) screen.last = `${r.name}: refused (${r.reason})`; }
  });
  setInterval(() => { if (screen.open) render(); }, 200);
  return screen;
}
