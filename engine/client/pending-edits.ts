/**
 * Predicted block edits. A client's place or break shows at once and stays pending until the server's BlockResult
 * for that input tick confirms or refuses it. Each edited cell keeps its base, the server's value of the cell as the
 * chunk stream last said (the section update or column last applied), and this client's edits on it in tick order;
 * the cell shows its base with the edits replayed in tick order: a pending edit shows its predicted block, a
 * confirmed one the block the server reported. A refusal removes only its own edit, so the cell shows what is left
 * (an earlier or later edit, or the base) whatever the order of places, breaks and answers.
 *
 * Section updates describe the server's world: they are applied to the section as the server last said it (edited
 * cells at their base), then the edits are put back on top. The server sends a BlockResult before any section update
 * that carries its edit, and every section update for that section sent after the result carries it; so a confirmed
 * edit is dropped at the next section update (or whole column) of its section, which then holds it.
 */
import type { BlockEdit } from '../rules/interactions.ts';
import type { Tick } from '../tick.ts';
import { voxelIndex } from '../voxel/section.ts';
import { getBlock, isLoaded, setBlock, type VoxelWorld } from '../voxel/voxel-world.ts';

/** A predicted edit waiting for the server's answer. */
export interface PendingEdit extends BlockEdit {
  /** The input tick that carried the action. */
  tick: Tick;
}

/** One of this client's edits on a cell. */
export interface CellEdit {
  /** The input tick that carried the action. */
  tick: Tick;
  /** The block the cell shows for it: the predicted block, or the server's after a confirmation. */
  block: number;
  /** True once the server confirmed it (kept until a section update carries it). */
  confirmed: boolean;
}

/** A cell with edits of this client on it. */
export interface EditedCell {
  /** Block x. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** The server's value of the cell as the chunk stream last said. */
  base: number;
  /** This client's edits on the cell, in tick order (confirmed ones first: answers come in tick order). */
  edits: CellEdit[];
}

/** The client's edits: unanswered ones by tick, and every cell they touch. */
export interface PendingEdits {
  /** Edits not answered yet, by input tick (a player makes at most one block action per tick). */
  readonly byTick: Map<Tick, PendingEdit>;
  /** Cells with edits on them, by {@link cellKey}. */
  readonly cells: Map<string, EditedCell>;
}

/** Creates an empty record. */
export function createPendingEdits(): PendingEdits {
  return { byTick: new Map(), cells: new Map() };
}

/** The key of cell (x, y, z) in {@link PendingEdits.cells}. */
export function cellKey(x: number, y: number, z: number): string {
  return `${x},${y},${z}`;
}

/** The value an edited cell shows: its base with its edits replayed in tick order. */
export function shownValue(cell: EditedCell): number {
  return cell.edits.length ? cell.edits[cell.edits.length - 1].block : cell.base;
}

/** Writes the cell's shown value into the world (when loaded); forgets the cell once it has no edits left. */
function show(world: VoxelWorld, pe: PendingEdits, cell: EditedCell): void {
  if (isLoaded(world, cell.x, cell.y, cell.z) && getBlock(world, cell.x, cell.y, cell.z) !== shownValue(cell)) {
    setBlock(world, cell.x, cell.y, cell.z, shownValue(cell));
  }
  if (cell.edits.length === 0) pe.cells.delete(cellKey(cell.x, cell.y, cell.z));
}

/**
 * Records an edit the client just predicted and applied to its world. `edit.prev` is what the cell showed before;
 * for a cell without edits that is the chunk stream's value, which becomes its base.
 */
export function addPrediction(pe: PendingEdits, edit: PendingEdit): void {
  if (pe.byTick.has(edit.tick)) throw new RangeError(`a block edit for tick ${edit.tick} is already pending`);
  const key = cellKey(edit.x, edit.y, edit.z);
  let cell = pe.cells.get(key);
  if (!cell) pe.cells.set(key, cell = { x: edit.x, y: edit.y, z: edit.z, base: edit.prev, edits: [] });
  let i = cell.edits.length;
  while (i > 0 && cell.edits[i - 1].tick > edit.tick) i--;
  cell.edits.splice(i, 0, { tick: edit.tick, block: edit.block, confirmed: false });
  pe.byTick.set(edit.tick, edit);
}

/**
 * The server answered the action of `tick`: `ok` with (x, y, z) now holding `block`, or refused. A confirmation
 * keeps the edit (showing the server's block) until a section update carries it; a refusal removes it, and the cell
 * shows what is left. Returns the pending edit, or undefined when none has that tick (nothing changes then).
 */
export function answerEdit(world: VoxelWorld, pe: PendingEdits, tick: Tick, ok: boolean, x: number, y: number, z: number, block: number): PendingEdit | undefined {
  const e = pe.byTick.get(tick);
  if (!e) return undefined;
  pe.byTick.delete(tick);
  const cell = pe.cells.get(cellKey(e.x, e.y, e.z))!;
  const i = cell.edits.findIndex((c) => c.tick === tick);
  // A confirmation of another cell cannot come from the same rules; if it does, the section update will show it.
  if (ok && x === e.x && y === e.y && z === e.z) cell.edits[i] = { tick, block, confirmed: true };
  else cell.edits.splice(i, 1);
  show(world, pe, cell);
  return e;
}

/** Edited cells inside section (cx, cy, cz). */
function cellsIn(pe: PendingEdits, cx: number, cy: number | null, cz: number): EditedCell[] {
  const out: EditedCell[] = [];
  for (const c of pe.cells.values()) if (c.x >> 4 === cx && c.z >> 4 === cz && (cy === null || c.y >> 4 === cy)) out.push(c);
  return out;
}

/**
 * The section's voxels as the server last said them: a copy with every edited cell at its base (`voxels` itself
 * when the section has no edited cell; null is all air).
 */
export function serverSection(voxels: Uint16Array | null, pe: PendingEdits, cx: number, cy: number, cz: number): Uint16Array | null {
  const cells = cellsIn(pe, cx, cy, cz);
  if (cells.length === 0) return voxels;
  const out = voxels ? voxels.slice() : new Uint16Array(4096);
  for (const c of cells) out[voxelIndex(c.x & 15, c.y & 15, c.z & 15)] = c.base;
  return out;
}

/**
 * A section update was applied: `after` is the server's section now. Its edited cells take their base from it, drop
 * their confirmed edits (the update carries them), and their remaining edits are put back on `after` (in place).
 */
export function sectionUpdated(after: Uint16Array, pe: PendingEdits, cx: number, cy: number, cz: number): void {
  for (const c of cellsIn(pe, cx, cy, cz)) {
    const i = voxelIndex(c.x & 15, c.y & 15, c.z & 15);
    c.base = after[i];
    c.edits = c.edits.filter((e) => !e.confirmed);
    after[i] = shownValue(c);
    if (c.edits.length === 0) pe.cells.delete(cellKey(c.x, c.y, c.z));
  }
}

/**
 * Column (cx, cz) was replaced by a whole column from the server, already stored in `world`: as
 * {@link sectionUpdated} for every edited cell in it, writing the remaining edits into the world.
 */
export function columnReplaced(world: VoxelWorld, pe: PendingEdits, cx: number, cz: number): void {
  for (const c of cellsIn(pe, cx, null, cz)) {
    c.base = getBlock(world, c.x, c.y, c.z);
    c.edits = c.edits.filter((e) => !e.confirmed);
    show(world, pe, c);
  }
}

/** Column (cx, cz) was unloaded: its cells forget their confirmed edits (the column brings them if it comes back). */
export function columnUnloaded(pe: PendingEdits, cx: number, cz: number): void {
  for (const c of cellsIn(pe, cx, null, cz)) {
    c.edits = c.edits.filter((e) => !e.confirmed);
    if (c.edits.length === 0) pe.cells.delete(cellKey(c.x, c.y, c.z));
  }
}

/**
 * Pending edits of ticks before `beforeTick` will get no answer (the safety net for a server that never answers):
 * they are removed like refusals. Returns them, oldest first.
 */
export function expireEdits(world: VoxelWorld, pe: PendingEdits, beforeTick: Tick): PendingEdit[] {
  const old = [...pe.byTick.values()].filter((e) => e.tick < beforeTick).sort((a, b) => a.tick - b.tick);
  for (const e of old) answerEdit(world, pe, e.tick, false, e.x, e.y, e.z, e.prev);
  return old;
}

/**
 * The session ended: no answer will come. Pending edits are dropped, each edited cell shows its base or its last
 * confirmed block, and the record is emptied. Returns the pending edits dropped.
 */
export function abandonEdits(world: VoxelWorld, pe: PendingEdits): PendingEdit[] {
  const dropped = [...pe.byTick.values()];
  for (const c of [...pe.cells.values()]) {
    c.edits = c.edits.filter((e) => e.confirmed);
    show(world, pe, c);
  }
  pe.byTick.clear();
  pe.cells.clear();
  return dropped;
}
