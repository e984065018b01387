/** fast-check arbitraries for every protocol message, derived from the schema so that new messages are covered. */
import fc from 'fast-check';
import type { PlayerInput } from '../../engine/input.ts';
import type { Message } from '../../engine/protocol/messages.ts';
import type { FieldType, MessageSchema } from '../../engine/protocol/schema.ts';
import { SCHEMAS } from '../../engine/protocol/schema.ts';

/** Arbitrary PlayerInput lists of consecutive ticks ending at `clientTick`. */
export function inputsArb(clientTick: number, max: number): fc.Arbitrary<PlayerInput[]> {
  const one = fc.record({
    buttons: fc.integer({ min: 0, max: 63 }),
    yaw: fc.integer({ min: 0, max: 1023 }),
    pitch: fc.integer({ min: -256, max: 256 }),
    block: fc.option(fc.record({
      kind: fc.constantFrom(1 as const, 2 as const),
      x: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      y: fc.integer({ min: -2048, max: 2048 }),
      z: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      face: fc.integer({ min: 0, max: 5 }),
    }), { nil: undefined }),
    inventory: fc.option(fc.record({
      kind: fc.constantFrom(1 as const, 2 as const), a: fc.integer({ min: 0, max: 8 }), b: fc.integer({ min: 0, max: 8 }),
    }), { nil: undefined }),
    actions: fc.option(fc.array(fc.record({ id: fc.integer({ min: 16, max: 255 }), data: fc.uint8Array({ maxLength: 255 }) }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
  });
  return fc.array(one, { minLength: 1, maxLength: Math.min(max, clientTick + 1) }).map((list) =>
    list.map((p, i) => {
      const out: PlayerInput = { tick: clientTick - list.length + 1 + i, buttons: p.buttons, yaw: p.yaw, pitch: p.pitch };
      if (p.block) out.block = p.block;
      if (p.inventory) out.inventory = p.inventory;
      if (p.actions) out.actions = p.actions;
      return out;
    }));
}

function fieldArb(t: FieldType): fc.Arbitrary<unknown> {
  if (typeof t === 'string') {
    switch (t) {
      case 'u8': return fc.integer({ min: 0, max: 255 });
      case 'u16': return fc.integer({ min: 0, max: 0xffff });
      case 'u32': return fc.integer({ min: 0, max: 0xffffffff });
      case 'i8': return fc.integer({ min: -128, max: 127 });
      case 'i32': return fc.integer({ min: -0x80000000, max: 0x7fffffff });
      case 'f64': return fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)); // msgpack packs -0 as 0
      case 'bool': return fc.boolean();
      case 'hex64': return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b) => b.toString(16).padStart(16, '0'));
    }
  }
  if ('str' in t) return fc.string({ maxLength: Math.min(t.str, 64), unit: 'binary' }).filter((s) => s.length <= t.str);
  if ('bytes' in t) return fc.uint8Array({ maxLength: 300 });
  if ('list' in t) return fc.array(fieldArb(t.list), { maxLength: t.max });
  throw new Error('inputs fields are built by messageArb');
}

/** An arbitrary message of one schema. */
export function messageArbOf(s: MessageSchema): fc.Arbitrary<Message> {
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  let inputsMax = 0;
  for (const [name, t] of s.fields) {
    if (typeof t === 'object' && 'inputs' in t) inputsMax = t.inputs;
    else parts[name] = fieldArb(t);
  }
  const base = fc.record(parts);
  if (!inputsMax) return base.map((r) => ({ type: s.type, ...r }) as unknown as Message);
  return base.chain((r) => inputsArb(r.clientTick as number, inputsMax).map((inputs) =>
    ({ type: s.type, ...r, inputs }) as unknown as Message));
}

/** An arbitrary message of any type. */
export const messageArb: fc.Arbitrary<Message> = fc.oneof(...SCHEMAS.map(messageArbOf));
