/** The client predicts its hotbar operations, so a block placed from another slot is predicted as that slot's block. */
import { describe, expect, it } from 'vitest';
import { BlockActionKind, InventoryOpKind, type PlayerInput } from '../../../engine/input.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

describe('hotbar prediction', () => {
  it('a block placed after selecting slot 1 is predicted as cobblestone, and the server agrees', async () => {
    const st = await createStepper();
    let at = -1;
    const a = st.addClient((c: GameClient) => {
      const b = c.predictor?.body;
      if (!b || c.tick <= 40) return idle();
      if (at < 0) at = c.tick;
      if (c.tick === at) return { ...idle(), inventory: { kind: InventoryOpKind.Select, a: 1, b: 0 } };
      if (c.tick === at + 1) return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + 2, y: 6, z: Math.floor(b.z), face: 3 } };
      return idle();
    }, { latencyMs: 50 });
    let edit: { x: number; y: number; z: number; block: number } | undefined;
    for (let i = 0; i < 120 && !edit; i++) { st.step(1); edit = [...a.client.pending.values()][0]; }
    expect(edit?.block).toBe(Block.Cobblestone);
    st.step(10);
    expect(a.client.stats.confirmed).toBe(1);
    expect(getBlock(st.server.world.voxels, edit!.x, edit!.y, edit!.z)).toBe(Block.Cobblestone);
    expect(getBlock(a.client.world.voxels, edit!.x, edit!.y, edit!.z)).toBe(Block.Cobblestone);
  });
});
