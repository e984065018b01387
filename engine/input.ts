/**
 * A player's input for one tick: the one shape shared by the simulation, client prediction, the wire protocol
 * (InputBundle) and the replay logs. Angles are quantized steps, never floats, so that server and client turn
 * them into directions through the same lookup table.
 */
import type { Tick } from './tick.ts';

/** Movement button bits of {@link PlayerInput.buttons}. Values are part of the wire format: never renumber. */
export const Button = {
  /** Walk towards the facing direction. */
  Forward: 1,
  /** Walk backwards. */
  Back: 2,
  /** Strafe left. */
  Left: 4,
  /** Strafe right. */
  Right: 8,
  /** Jump when on the ground. */
  Jump: 16,
  /** Sprint (forward only). */
  Sprint: 32,
} as const;

/** Mask of every defined button bit. */
export const BUTTON_MASK = 63;

/** Yaw steps per full turn; yaw is an integer in [0, YAW_STEPS). Step 0 faces +z, steps increase towards -x. */
export const YAW_STEPS = 1024;

/** Pitch steps per 90 degrees; pitch is an integer in [-PITCH_LIMIT, PITCH_LIMIT], positive looks up. */
export const PITCH_LIMIT = 256;

/** Block action kinds. Values are part of the wire format. */
export const BlockActionKind = {
  /** Break the target block. */
  Break: 1,
  /** Place the selected hotbar block against `face` of the target block. */
  Place: 2,
} as const;
/** A {@link BlockActionKind} value. */
export type BlockActionKind = (typeof BlockActionKind)[keyof typeof BlockActionKind];

/** A block interaction aimed at a block (the client names the block and face it raycast to). */
export interface BlockAction {
  /** Break or place. */
  kind: BlockActionKind;
  /** Target block, world coordinates in blocks. */
  x: number;
  /** Target block y. */
  y: number;
  /** Target block z. */
  z: number;
  /** Face of the target that was hit (0 -x, 1 +x, 2 -y, 3 +y, 4 -z, 5 +z); a placed block goes on that side. */
  face: number;
}

/** Inventory operation kinds. Values are part of the wire format. */
export const InventoryOpKind = {
  /** Select hotbar slot `a`. */
  Select: 1,
  /** Swap hotbar slots `a` and `b`. */
  Swap: 2,
} as const;
/** An {@link InventoryOpKind} value. */
export type InventoryOpKind = (typeof InventoryOpKind)[keyof typeof InventoryOpKind];

/** An inventory operation. */
export interface InventoryOp {
  /** Select or swap. */
  kind: InventoryOpKind;
  /** Slot index 0..8. */
  a: number;
  /** Second slot index for Swap, else 0. */
  b: number;
}

/** A game's predicted action in an input: its id and its payload as encoded (protocol/action-codec.ts). */
export interface ActionInput {
  /** Action id, 16..255 (the definition's `actions`). */
  id: number;
  /** The MessagePack payload, at most 255 bytes; checked against the declaration when the action runs. */
  data: Uint8Array;
}

/** Most game actions in one tick's input. */
export const MAX_ACTIONS_PER_INPUT = 4;

/** One tick of one player's input. */
export interface PlayerInput {
  /** The client tick this input is for. */
  tick: Tick;
  /** {@link Button} bits. */
  buttons: number;
  /** Facing, integer steps in [0, {@link YAW_STEPS}). */
  yaw: number;
  /** Look pitch, integer steps in [-{@link PITCH_LIMIT}, {@link PITCH_LIMIT}]. */
  pitch: number;
  /** Block interaction this tick, if any. */
  block?: BlockAction;
  /** Inventory operation this tick, if any. */
  inventory?: InventoryOp;
  /** A game's predicted actions this tick, in the order they were made (at most {@link MAX_ACTIONS_PER_INPUT}). */
  actions?: ActionInput[];
}

/** An input with nothing pressed, facing yaw 0, for tick `tick`. */
export function idleInput(tick: Tick): PlayerInput {
  return { tick, buttons: 0, yaw: 0, pitch: 0 };
}

/** Wraps any integer to a yaw step in [0, YAW_STEPS). */
export function wrapYaw(step: number): number {
  return ((step % YAW_STEPS) + YAW_STEPS) % YAW_STEPS;
}

/** Converts radians to the nearest yaw step (for input sampling; never used by the simulation). */
export function radiansToYawStep(rad: number): number {
  return wrapYaw(Math.round((rad / (2 * Math.PI)) * YAW_STEPS));
}

/** Converts radians to the nearest pitch step, clamped (for input sampling; never used by the simulation). */
export function radiansToPitchStep(rad: number): number {
  const s = Math.round((rad / (Math.PI / 2)) * PITCH_LIMIT);
  return Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, s));
}

/** Input lead, in ticks, the server asks clients to keep (inputs arrive this many ticks before they run). */
export const TARGET_INPUT_LEAD = 2;
