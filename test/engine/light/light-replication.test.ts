/**
 * Light on the loopback stepper: clients recompute light from the blocks they receive (columns, section updates,
 * their own predicted edits), and it equals the server's, which equals the brute-force reference, after random
 * edits: torches placed and removed, roofs built and holed, blocks placed by a player.
 */
import { describe, expect, it } from 'vitest';
import { BlockActionKind, type PlayerInput } from '../../../engine/input.ts';
import { createRng } from '../../../engine/rng.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import { lightDifference } from '../../support/light-reference.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const EDIT_BLOCKS = [Block.Torch, Block.Torch, Block.Stone, Block.Air, Block.Air, Block.Glass, Block.Leaves];

/** A player placing planks on the ground around itself every 3rd tick while `on.building`. */
function builder(on: { building: boolean }) {
  let n = 0;
  return (c: GameClient): Omit<PlayerInput, 'tick'> => {
    const b = c.predictor?.body;
    if (!b || !on.building || c.tick % 3 !== 0) return idle();
    const dx = [-3, -2, 2, 3][n % 4], dz = [-2, 0, 2][(n >> 2) % 3];
    n++;
    return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + dx, y: 6, z: Math.floor(b.z) + dz, face: 3 } };
  };
}

describe('light over the stepper', () => {
  it("a client's recomputed light equals the server's, and both the reference, after random edits", async () => {
    const st = await createStepper({ worldRadius: 2, viewDistance: 2 });
    const on = { building: false };
    const a = st.addClient(builder(on));
    const b = st.addClient(idle);
    st.step(40);
    // Light on from here: both clients light what they hold; later columns and edits are lit as they come.
    expect(a.client.lightAt(0, 30, 0)).toEqual({ sky: 15, block: 0 });
    expect(b.client.lightAt(0, 30, 0)).toEqual({ sky: 15, block: 0 });
    const rng = createRng(11);
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 12; i++) {
        const x = rng.int(-20, 20), z = rng.int(-20, 20), y = rng.int(3, 14);
        st.server.editBlock(x, y, z, EDIT_BLOCKS[rng.int(0, EDIT_BLOCKS.length - 1)]);
      }
      if (round === 2) for (let x = -10; x <= 10; x++) for (let z = -10; z <= 10; z++) st.server.editBlock(x, 12, z, Block.Stone); // a roof
      if (round === 3) st.server.editBlock(1, 12, 1, Block.Air); // a hole in it
      on.building = true;
      st.step(10);
      on.building = false; // and its edits answered before comparing: a predicted edit is the client's own view
      st.step(15);
      expect(a.client.pending.size).toBe(0);
      const diff = lightDifference(st.server.world.voxels);
      expect(diff, `round ${round}: server`).toBeNull();
      // Inner columns (-1..1): each client holds every column around them.
      for (const c of [a, b]) {
        let first: string | null = null, cells = 0;
        for (let x = -16; x < 32 && !first; x++) for (let z = -16; z < 32 && !first; z++) for (let y = 0; y < 64; y++) {
          const want = st.server.lightAt(x, y, z), got = c.client.lightAt(x, y, z);
          cells++;
          if (want.sky !== got.sky || want.block !== got.block) { first = `(${x}, ${y}, ${z}): ${JSON.stringify(got)} vs ${JSON.stringify(want)}`; break; }
        }
        expect(first, `round ${round}: client ${c.client.selfId}`).toBeNull();
        expect(cells).toBe(48 * 48 * 64);
      }
    }
    expect(a.client.stats.confirmed, JSON.stringify(a.client.stats)).toBeGreaterThan(5);
    expect(st.server.lightAt(1, 8, 1).sky).toBe(15); // under the hole
  });

  it('lights columns as they stream in, each merged with those already lit, to the same light as the server', async () => {
    const st = await createStepper({ worldRadius: 2, viewDistance: 2 });
    st.server.editBlock(15, 7, 3, Block.Torch); // light that crosses column borders
    st.server.editBlock(16, 8, 20, Block.Torch);
    for (let x = -6; x <= 20; x++) for (let z = -4; z <= 4; z++) st.server.editBlock(x, 11, z, Block.Stone); // a roof over 2 columns
    const c = st.addClient(idle);
    let litWhileStreaming = 0;
    c.client.bus.on('ChunkLoaded', () => {
      const before = c.client.world.voxels.light?.ready.size ?? 0;
      c.client.lightAt(0, 20, 0); // lights the column that just arrived, beside those lit before it
      if (c.client.world.voxels.light!.ready.size === before + 1 && before > 0) litWhileStreaming++;
    });
    st.step(60);
    expect(litWhileStreaming).toBe(24); // every column after the first was lit and merged on its own
    expect(c.client.world.voxels.columns.size).toBe(25);
    for (let x = -16; x < 32; x++) for (let z = -16; z < 32; z++) for (let y = 0; y < 64; y++) {
      const want = st.server.lightAt(x, y, z), got = c.client.lightAt(x, y, z);
      if (want.sky !== got.sky || want.block !== got.block) expect(`(${x}, ${y}, ${z}): ${JSON.stringify(got)}`).toBe(JSON.stringify(want));
    }
    expect(c.client.lightAt(15, 8, 0).sky).toBeLessThan(15);
    expect(lightDifference(c.client.world.voxels)).toBeNull();
  });
});
