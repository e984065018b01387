import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, type PlayerInput } from '../../../engine/input.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

describe('the phantom block of a refused place then break (issue "Hardening", item 3)', () => {
  it("A places then breaks the cell where B stands, both refused: A's view equals the server's and A stays connected", async () => {
    const st = await createStepper();
    // A walks 3 blocks towards +z, then acts on the cell (0, 7, 0) where B stands at spawn.
    const script: Array<Omit<PlayerInput, 'tick'>> = [];
    let started = -1;
    const a = st.addClient((c: GameClient) => {
      if (!c.predictor) return idle();
      if (started < 0) started = c.tick;
      const i = c.tick - started;
      if (i < 14) return { buttons: Button.Forward, yaw: 0, pitch: 0 };
      return script[i - 14] ?? idle();
    }, { latencyMs: 50 });
    const b = st.addClient(idle, { latencyMs: 50 });
    script.push(
      idle(), idle(), idle(), idle(), idle(), idle(), idle(), idle(), idle(), idle(),
      // Place on top of the grass under B: into B (refused by the server; A's client cannot know B is there).
      { ...idle(), block: { kind: BlockActionKind.Place, x: 0, y: 6, z: 0, face: 3 } },
      // Break what A's client now shows there (refused: the server has air there).
      { ...idle(), block: { kind: BlockActionKind.Break, x: 0, y: 7, z: 0, face: 5 } },
      idle(), idle(), idle(), idle(), idle(), idle(),
      // A later edit in the same section, so that a section update follows.
      { ...idle(), block: { kind: BlockActionKind.Place, x: 2, y: 6, z: 1, face: 3 } },
    );
    const answers = () => a.events.filter(([n]) => n === 'BlockResult').length;
    for (let i = 0; i < 200 && answers() < 2; i++) st.step(1);
    // Both refused: A shows what the server has, air, not a phantom block.
    expect(answers()).toBe(2);
    expect(getBlock(a.client.world.voxels, 0, 7, 0)).toBe(Block.Air);
    st.step(60);
    const results = a.events.filter(([n]) => n === 'BlockResult').map(([, p]) => p as { ok: boolean; reason: string });
    expect(results.map((r) => r.reason)).toEqual(['into-player', 'nothing-there', '']);
    expect(getBlock(st.server.world.voxels, 0, 7, 0)).toBe(Block.Air);
    expect(getBlock(st.server.world.voxels, 2, 7, 1)).toBe(Block.Planks);
    expect(a.client.pending.size).toBe(0);
    for (let x = -6; x <= 6; x++) for (let y = 6; y <= 9; y++) for (let z = -6; z <= 6; z++) {
      expect(getBlock(a.client.world.voxels, x, y, z), `A (${x}, ${y}, ${z})`).toBe(getBlock(st.server.world.voxels, x, y, z));
      expect(getBlock(b.client.world.voxels, x, y, z), `B (${x}, ${y}, ${z})`).toBe(getBlock(st.server.world.voxels, x, y, z));
    }
    expect(a.client.net.state).toBe('active');
    expect(a.events.filter(([n]) => n === 'Disconnected')).toEqual([]);
    // The section update after it applied as it was: no resync was needed.
    expect(a.events.filter(([n]) => n === 'Resync')).toEqual([]);
  });
});
