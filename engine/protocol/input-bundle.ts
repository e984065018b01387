/**
 * The compact byte encoding of the `inputs` field of InputBundle: consecutive ticks' {@link PlayerInput}s, oldest
 * first, each delta-encoded against the one before (the first against an idle input facing yaw 0). Steady walking
 * costs one byte per repeated input.
 *
 * Layout: `u8 count`, then per input `u8 flags` followed by the parts the flags name, in this order:
 * bit 0 buttons (`u8`), bit 1 yaw (zigzag varint of the wrapped step difference in -512..511), bit 2 pitch (zigzag
 * varint of the difference), bit 3 block action (`u8 kind`, zigzag varints x, y, z, `u8 face`), bit 4 inventory
 * operation (`u8 kind, u8 a, u8 b`), bit 5 a game's actions (`u8 count` 1..4, then per action `u8 id` 16..255,
 * `u8 length`, that many payload bytes). Ticks are not sent: the newest input is for the bundle's `clientTick`.
 */
import type { PlayerInput } from '../input.ts';
import { BUTTON_MASK, MAX_ACTIONS_PER_INPUT, PITCH_LIMIT, YAW_STEPS, wrapYaw } from '../input.ts';
import type { Tick } from '../tick.ts';
import { ProtocolError, ProtocolErrorCode } from './errors.ts';

/** Name and version of this encoding; part of the schema hash. */
export const INPUT_BUNDLE_CODEC = 'delta-v2';

const F_BUTTONS = 1, F_YAW = 2, F_PITCH = 4, F_BLOCK = 8, F_INV = 16, F_ACTIONS = 32;

function bad(detail: string): never {
  throw new ProtocolError(ProtocolErrorCode.BadPayload, `InputBundle inputs: ${detail}`);
}

/** Encodes inputs of consecutive ticks (oldest first). Throws RangeError on inputs that break the PlayerInput rules. */
export function encodeInputs(inputs: readonly PlayerInput[], max = 255): Uint8Array {
  if (inputs.length < 1 || inputs.length > max) throw new RangeError(`need 1..${max} inputs, got ${inputs.length}`);
  const out: number[] = [inputs.length];
  const varint = (v: number) => {
    let z = (v << 1) ^ (v >> 31); // zigzag, then unsigned LEB128
    z >>>= 0;
    while (z >= 0x80) { out.push((z & 0x7f) | 0x80); z >>>= 7; }
    out.push(z);
  };
  let prev: PlayerInput = { tick: 0, buttons: 0, yaw: 0, pitch: 0 };
  for (let i = 0; i < inputs.length; i++) {
    const p = inputs[i];
    if (i > 0 && p.tick !== inputs[i - 1].tick + 1) throw new RangeError('inputs must be for consecutive ticks');
    if ((p.buttons & ~BUTTON_MASK) !== 0 || !Number.isInteger(p.buttons)) throw new RangeError(`bad buttons ${p.buttons}`);
    if (!Number.isInteger(p.yaw) || p.yaw < 0 || p.yaw >= YAW_STEPS) throw new RangeError(`bad yaw ${p.yaw}`);
    if (!Number.isInteger(p.pitch) || Math.abs(p.pitch) > PITCH_LIMIT) throw new RangeError(`bad pitch ${p.pitch}`);
    const flags = (p.buttons !== prev.buttons ? F_BUTTONS : 0) | (p.yaw !== prev.yaw ? F_YAW : 0)
      | (p.pitch !== prev.pitch ? F_PITCH : 0) | (p.block ? F_BLOCK : 0) | (p.inventory ? F_INV : 0) | (p.actions?.length ? F_ACTIONS : 0);
    out.push(flags);
    if (flags & F_BUTTONS) out.push(p.buttons);
    if (flags & F_YAW) varint(wrapYaw(p.yaw - prev.yaw + YAW_STEPS / 2) - YAW_STEPS / 2);
    if (flags & F_PITCH) varint(p.pitch - prev.pitch);
    if (p.block) {
      const b = p.block;
      if ((b.kind !== 1 && b.kind !== 2) || !(b.face >= 0 && b.face <= 5)) throw new RangeError('bad block action');
      out.push(b.kind);
      varint(b.x | 0); varint(b.y | 0); varint(b.z | 0);
      out.push(b.face);
    }
    if (p.inventory) {
      const v = p.inventory;
      if ((v.kind !== 1 && v.kind !== 2) || !(v.a >= 0 && v.a <= 8) || !(v.b >= 0 && v.b <= 8)) throw new RangeError('bad inventory op');
      out.push(v.kind, v.a, v.b);
    }
    if (p.actions?.length) {
      if (p.actions.length > MAX_ACTIONS_PER_INPUT) throw new RangeError(`${p.actions.length} actions in one input; at most ${MAX_ACTIONS_PER_INPUT}`);
      out.push(p.actions.length);
      for (const a of p.actions) {
        if (!Number.isInteger(a.id) || a.id < 16 || a.id > 255) throw new RangeError(`action id must be an integer in 16..255, got ${a.id}`);
        if (a.data.length > 255) throw new RangeError(`action ${a.id}: payload of ${a.data.length} bytes; at most 255`);
        out.push(a.id, a.data.length, ...a.data);
      }
    }
    prev = p;
  }
  return Uint8Array.from(out);
}

/** Decodes inputs whose newest is for `clientTick`. Throws {@link ProtocolError} on anything malformed. */
export function decodeInputs(bytes: Uint8Array, clientTick: Tick, max = 255): PlayerInput[] {
  let pos = 0;
  const u8 = (): number => (pos < bytes.length ? bytes[pos++] : bad('truncated'));
  const varint = (): number => {
    let z = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = u8();
      z += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        if (z > 0xffffffff) bad('varint too large');
        return (z >>> 1) ^ -(z & 1);
      }
    }
    return bad('varint too long');
  };
  const count = u8();
  if (count < 1 || count > max) bad(`count ${count} not in 1..${max}`);
  if (clientTick - count + 1 < 0) bad('ticks before 0');
  const inputs: PlayerInput[] = [];
  let prev: PlayerInput = { tick: 0, buttons: 0, yaw: 0, pitch: 0 };
  for (let i = 0; i < count; i++) {
    const flags = u8();
    if (flags & ~63) bad(`unknown flags ${flags}`);
    const p: PlayerInput = { tick: clientTick - count + 1 + i, buttons: prev.buttons, yaw: prev.yaw, pitch: prev.pitch };
    if (flags & F_BUTTONS) {
      p.buttons = u8();
      if (p.buttons & ~BUTTON_MASK) bad(`buttons ${p.buttons}`);
    }
    if (flags & F_YAW) {
      const d = varint();
      if (d < -YAW_STEPS / 2 || d >= YAW_STEPS / 2) bad(`yaw delta ${d}`);
      p.yaw = wrapYaw(prev.yaw + d);
    }
    if (flags & F_PITCH) {
      p.pitch = prev.pitch + varint();
      if (Math.abs(p.pitch) > PITCH_LIMIT) bad(`pitch ${p.pitch}`);
    }
    if (flags & F_BLOCK) {
      const kind = u8();
      if (kind !== 1 && kind !== 2) bad(`block kind ${kind}`);
      const x = varint(), y = varint(), z = varint(), face = u8();
      if (face > 5) bad(`face ${face}`);
      p.block = { kind, x, y, z, face };
    }
    if (flags & F_INV) {
      const kind = u8(), a = u8(), b = u8();
      if ((kind !== 1 && kind !== 2) || a > 8 || b > 8) bad('inventory op');
      p.inventory = { kind, a, b };
    }
    if (flags & F_ACTIONS) {
      const n = u8();
      if (n < 1 || n > MAX_ACTIONS_PER_INPUT) bad(`action count ${n} not in 1..${MAX_ACTIONS_PER_INPUT}`);
      p.actions = [];
      for (let k = 0; k < n; k++) {
        const id = u8(), length = u8();
        if (id < 16) bad(`action id ${id} not in 16..255`);
        if (pos + length > bytes.length) bad('truncated');
        p.actions.push({ id, data: bytes.slice(pos, pos + length) });
        pos += length;
      }
    }
    inputs.push(p);
    prev = p;
  }
  if (pos !== bytes.length) bad(`${bytes.length - pos} trailing bytes`);
  return inputs;
}
