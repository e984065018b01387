import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, InventoryOpKind, PITCH_LIMIT, YAW_STEPS } from '../../../engine/input.ts';
import { buttonsOf, createInputState, sampleInput, selectSlot } from '../../../game/web/input.ts';

describe('browser input sampling', () => {
  it('maps held keys to buttons; typing in chat holds still', () => {
    expect(buttonsOf(new Set(['KeyW', 'ShiftLeft', 'Space']))).toBe(Button.Forward | Button.Sprint | Button.Jump);
    expect(buttonsOf(new Set(['KeyA', 'KeyS', 'KeyD']))).toBe(Button.Left | Button.Back | Button.Right);
    expect(buttonsOf(new Set(['ControlLeft', 'KeyQ']))).toBe(0);
    const s = createInputState();
    s.held.add('KeyW');
    expect(sampleInput(s).buttons).toBe(Button.Forward);
    s.typing = true;
    expect(sampleInput(s).buttons).toBe(0);
  });

  it('turns radians into steps: a quarter turn, looking straight up', () => {
    const s = createInputState();
    s.yaw = Math.PI / 2;
    s.pitch = Math.PI / 2;
    const i = sampleInput(s);
    expect(i.yaw).toBe(YAW_STEPS / 4);
    expect(i.pitch).toBe(PITCH_LIMIT);
  });

  it('sends one queued block action per tick and a slot change once', () => {
    const s = createInputState();
    s.actions.push({ kind: BlockActionKind.Place, x: 1, y: 2, z: 3, face: 3 }, { kind: BlockActionKind.Break, x: 1, y: 2, z: 3, face: 3 });
    selectSlot(s, 4);
    const first = sampleInput(s);
    expect(first.block?.kind).toBe(BlockActionKind.Place);
    expect(first.inventory).toEqual({ kind: InventoryOpKind.Select, a: 4, b: 0 });
    const second = sampleInput(s);
    expect(second.block?.kind).toBe(BlockActionKind.Break);
    expect(second.inventory).toBeUndefined();
    expect(sampleInput(s).block).toBeUndefined();
  });
});
