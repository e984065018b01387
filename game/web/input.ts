/**
 * First-person controls: pointer-lock mouse look, WASD, space (jump), shift (sprint; not ctrl: ctrl+W closes tabs), left click hits the mob
 * under the crosshair or else breaks,
 * right click places, 1-9 selects the hotbar slot. The game client samples {@link sampleInput} once per tick; block
 * actions and slot changes wait in a queue until then (tests queue them through `window.stratum` too).
 */
import { BlockActionKind, Button, InventoryOpKind, radiansToPitchStep, radiansToYawStep, type BlockAction, type PlayerInput } from '../../engine/index.ts';

/** Mouse radians per pixel. */
export const MOUSE_SENSITIVITY = 0.0025;

/** What the player is doing right now. */
export interface InputState {
  /** Facing, radians (step 0 = 0 faces +z; positive turns towards -x). */
  yaw: number;
  /** Look pitch, radians, positive up, within ±90°. */
  pitch: number;
  /** Codes (KeyboardEvent.code) of the keys held. */
  readonly held: Set<string>;
  /** Block actions waiting for the next tick (one goes out per tick). */
  readonly actions: BlockAction[];
  /** Hotbar slot 0..8. */
  slot: number;
  /** True when the slot changed since the last tick. */
  slotChanged: boolean;
  /** True while typing in chat (movement keys are ignored). */
  typing: boolean;
}

/** Creates a neutral input state. */
export function createInputState(): InputState {
  return { yaw: 0, pitch: 0, held: new Set(), actions: [], slot: 0, slotChanged: false, typing: false };
}

/** Selects hotbar slot `slot` (0..8). */
export function selectSlot(s: InputState, slot: number): void {
  if (slot === s.slot) return;
  s.slot = slot;
  s.slotChanged = true;
}

/** Turns the held keys into button bits. */
export function buttonsOf(held: ReadonlySet<string>): number {
  let b = 0;
  if (held.has('KeyW') || held.has('ArrowUp')) b |= Button.Forward;
  if (held.has('KeyS') || held.has('ArrowDown')) b |= Button.Back;
  if (held.has('KeyA') || held.has('ArrowLeft')) b |= Button.Left;
  if (held.has('KeyD') || held.has('ArrowRight')) b |= Button.Right;
  if (held.has('Space')) b |= Button.Jump;
  if (held.has('ShiftLeft') || held.has('ShiftRight')) b |= Button.Sprint;
  return b;
}

/** This tick's input: movement from the held keys, facing in steps, at most one queued block action. */
export function sampleInput(s: InputState): Omit<PlayerInput, 'tick'> {
  const out: Omit<PlayerInput, 'tick'> = {
    buttons: s.typing ? 0 : buttonsOf(s.held), yaw: radiansToYawStep(s.yaw), pitch: radiansToPitchStep(s.pitch),
  };
  const action = s.actions.shift();
  if (action) out.block = action;
  if (s.slotChanged) {
    out.inventory = { kind: InventoryOpKind.Select, a: s.slot, b: 0 };
    s.slotChanged = false;
  }
  return out;
}

/** The block a click aims at: the raycast target now (null when nothing is in reach). */
export type TargetFn = () => { x: number; y: number; z: number; face: number } | null;

/**
 * Wires the DOM events of `canvas` to `s`; returns a function that removes them. A left click first tries `hit` (a
 * mob under the crosshair: it attacks and returns true), and breaks the targeted block only when that returns false.
 */
export function attachInput(canvas: HTMLCanvasElement, s: InputState, target: TargetFn, hit: () => boolean = () => false): () => void {
  const locked = () => document.pointerLockElement === canvas;
  const onMouseMove = (e: MouseEvent) => {
    if (!locked()) return;
    // Moving the mouse right turns right, i.e. towards -x from +z: yaw increases.
    s.yaw = (s.yaw + e.movementX * MOUSE_SENSITIVITY) % (2 * Math.PI);
    s.pitch = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, s.pitch - e.movementY * MOUSE_SENSITIVITY));
  };
  const onMouseDown = (e: MouseEvent) => {
    if (!locked()) {
      void canvas.requestPointerLock?.();
      return;
    }
    if (e.button === 0 && hit()) return;
    const t = target();
    if (!t) return;
    if (e.button === 0) s.actions.push({ kind: BlockActionKind.Break, x: t.x, y: t.y, z: t.z, face: t.face });
    else if (e.button === 2) s.actions.push({ kind: BlockActionKind.Place, x: t.x, y: t.y, z: t.z, face: t.face });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (s.typing) return;
    s.held.add(e.code);
    const digit = /^Digit([1-9])$/.exec(e.code);
    if (digit) selectSlot(s, Number(digit[1]) - 1);
    if (e.code === 'Space' || e.code.startsWith('Arrow')) e.preventDefault();
  };
  const onKeyUp = (e: KeyboardEvent) => { s.held.delete(e.code); };
  const onBlur = () => s.held.clear();
  const onContextMenu = (e: Event) => e.preventDefault();
  canvas.addEventListener('mousedown', onMouseDown);
  canvas.addEventListener('contextmenu', onContextMenu);
  document.addEventListener('mousemove', onMouseMove);
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('keyup', onKeyUp);
  window.addEventListener('blur', onBlur);
  return () => {
    canvas.removeEventListener('mousedown', onMouseDown);
    canvas.removeEventListener('contextmenu', onContextMenu);
    document.removeEventListener('mousemove', onMouseMove);
    window.removeEventListener('keydown', onKeyDown);
    window.removeEventListener('keyup', onKeyUp);
    window.removeEventListener('blur', onBlur);
  };
}
