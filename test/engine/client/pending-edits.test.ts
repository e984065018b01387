import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChunkCodecDeps } from '../../../engine/codec/chunk-codec.ts';
import { applySectionUpdate, encodeSectionUpdate } from '../../../engine/codec/chunk-diff.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { voxelIndex } from '../../../engine/voxel/section.ts';
import { sectionVoxels } from '../../../engine/voxel/section-store.ts';
import { createVoxelWorld, ensureColumn, ensureSection, getBlock, setBlock, type VoxelWorld } from '../../../engine/voxel/voxel-world.ts';
import {
  abandonEdits, addPrediction, answerEdit, columnReplaced, createPendingEdits, expireEdits, sectionUpdated, serverSection,
  type PendingEdits,
} from '../../../engine/client/pending-edits.ts';
import { loadCodecDeps } from '../../support/codec-deps.ts';

let codec: ChunkCodecDeps;
beforeAll(async () => { codec = (await loadCodecDeps()).node; });

/** A one-section world (column 0, 0) with its section allocated; the client's view in these tests. */
function oneSection(): { world: VoxelWorld; voxels: Uint16Array } {
  const world = createVoxelWorld({ columnSections: 1 });
  const col = ensureColumn(world, 0, 0);
  return { world, voxels: sectionVoxels(world.store, ensureSection(world, col, 0)) };
}

/** What the client does when it predicts: apply to its world and record. */
function predict(world: VoxelWorld, pe: PendingEdits, tick: number, x: number, y: number, z: number, block: number): void {
  const prev = setBlock(world, x, y, z, block);
  addPrediction(pe, { tick, x, y, z, block, prev });
}

/** What the client does with a section update: apply it to the server's section, put its edits back on top. */
function receiveUpdate(voxels: Uint16Array, pe: PendingEdits, update: Uint8Array): void {
  const after = applySectionUpdate(serverSection(voxels, pe, 0, 0, 0), update, codec);
  sectionUpdated(after, pe, 0, 0, 0);
  voxels.set(after);
}

describe('pending edits: one cell, several edits', () => {
  it('place then break, both refused: the cell shows the server value (no phantom block)', () => {
    const { world, voxels } = oneSection();
    const pe = createPendingEdits();
    predict(world, pe, 10, 1, 1, 1, Block.Planks);
    predict(world, pe, 11, 1, 1, 1, Block.Air);
    answerEdit(world, pe, 10, false, 1, 0, 1, Block.Air);
    expect(getBlock(world, 1, 1, 1)).toBe(Block.Air); // the break still shows
    answerEdit(world, pe, 11, false, 1, 1, 1, Block.Air);
    expect(getBlock(world, 1, 1, 1)).toBe(Block.Air);
    expect(pe.byTick.size).toBe(0);
    expect(pe.cells.size).toBe(0);
    // A later update of the section applies cleanly: the client's server view is exact.
    const server = new Uint16Array(4096);
    const after = server.slice();
    after[voxelIndex(5, 5, 5)] = Block.Stone;
    receiveUpdate(voxels, pe, encodeSectionUpdate(server, after, codec));
    expect(getBlock(world, 5, 5, 5)).toBe(Block.Stone);
  });

  it('break then place, the break refused and the place confirmed: the cell shows the server block', () => {
    const { world } = oneSection();
    setBlock(world, 2, 2, 2, Block.Stone);
    const pe = createPendingEdits();
    predict(world, pe, 5, 2, 2, 2, Block.Air);
    predict(world, pe, 6, 2, 2, 2, Block.Planks);
    answerEdit(world, pe, 5, false, 2, 2, 2, Block.Stone);
    expect(getBlock(world, 2, 2, 2)).toBe(Block.Planks);
    // The server says the place went through (the cell held air on the server: someone broke it meanwhile).
    answerEdit(world, pe, 6, true, 2, 2, 2, Block.Planks);
    expect(getBlock(world, 2, 2, 2)).toBe(Block.Planks);
    expect(pe.byTick.size).toBe(0);
    expect(pe.cells.size).toBe(1); // confirmed, until a section update carries it
  });

  it('three edits: confirm of the first, refusal of the second, refusal of the third', () => {
    const { world } = oneSection();
    const pe = createPendingEdits();
    predict(world, pe, 1, 3, 3, 3, Block.Planks);
    predict(world, pe, 2, 3, 3, 3, Block.Air);
    predict(world, pe, 3, 3, 3, 3, Block.Stone);
    answerEdit(world, pe, 1, true, 3, 3, 3, Block.Planks);
    expect(getBlock(world, 3, 3, 3)).toBe(Block.Stone);
    answerEdit(world, pe, 2, false, 3, 3, 3, Block.Planks);
    expect(getBlock(world, 3, 3, 3)).toBe(Block.Stone);
    answerEdit(world, pe, 3, false, 3, 3, 3, Block.Planks);
    expect(getBlock(world, 3, 3, 3)).toBe(Block.Planks); // the confirmed place
  });

  it('an answer for a tick with no pending edit changes nothing', () => {
    const { world } = oneSection();
    const pe = createPendingEdits();
    expect(answerEdit(world, pe, 99, false, 0, 0, 0, Block.Stone)).toBeUndefined();
    expect(getBlock(world, 0, 0, 0)).toBe(Block.Air);
  });

  it('the safety net expires unanswered edits; a lost session shows the server values', () => {
    const { world } = oneSection();
    const pe = createPendingEdits();
    predict(world, pe, 1, 1, 1, 1, Block.Planks);
    predict(world, pe, 50, 2, 1, 1, Block.Planks);
    expect(expireEdits(world, pe, 40).map((e) => e.tick)).toEqual([1]);
    expect(getBlock(world, 1, 1, 1)).toBe(Block.Air);
    predict(world, pe, 51, 3, 1, 1, Block.Planks);
    answerEdit(world, pe, 51, true, 3, 1, 1, Block.Planks);
    expect(abandonEdits(world, pe).map((e) => e.tick)).toEqual([50]);
    expect(getBlock(world, 2, 1, 1)).toBe(Block.Air);
    expect(getBlock(world, 3, 1, 1)).toBe(Block.Planks); // confirmed by the server
    expect(pe.cells.size).toBe(0);
  });
});

/** A step of the model run: the client predicts, or the server answers, edits, flushes or sends the column. */
type Step =
  | { c: 'predict'; cell: number; block: number }
  | { c: 'answer'; refuse: boolean }
  | { c: 'other'; cell: number; block: number }
  | { c: 'flush' }
  | { c: 'column' };

const CELLS = [[1, 1, 1], [2, 1, 1], [1, 2, 1], [15, 15, 15]] as const;
const BLOCKS = [Block.Air, Block.Stone, Block.Planks];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ c: fc.constant('predict' as const), cell: fc.nat(CELLS.length - 1), block: fc.constantFrom(...BLOCKS) }) },
  { weight: 4, arbitrary: fc.record({ c: fc.constant('answer' as const), refuse: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('other' as const), cell: fc.nat(CELLS.length - 1), block: fc.constantFrom(...BLOCKS) }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('flush' as const) }) },
  { weight: 1, arbitrary: fc.record({ c: fc.constant('column' as const) }) },
);

describe('pending edits: property', () => {
  it('random predictions, confirmations and refusals (in tick order), other players, section updates and columns: the client ends equal to the server', () => {
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 60 }), fc.array(fc.constantFrom(...BLOCKS), { minLength: CELLS.length, maxLength: CELLS.length }), (steps, initial) => {
      const { world, voxels } = oneSection();
      const server = new Uint16Array(4096);
      CELLS.forEach(([x, y, z], i) => { server[voxelIndex(x, y, z)] = initial[i]; });
      voxels.set(server);
      let flushed = server.slice(); // the server's section at its last flush: what the client was told
      let dirty = false;
      const pe = createPendingEdits();
      const sent: { tick: number; cell: number; block: number }[] = []; // actions on their way to the server, in tick order
      let tick = 0;

      const flush = () => {
        if (!dirty) return; // the server sends a section update only for a section with edits since the last one
        receiveUpdate(voxels, pe, encodeSectionUpdate(flushed, server, codec));
        flushed = server.slice();
        dirty = false;
      };
      const run = (s: Step) => {
        if (s.c === 'predict') {
          const [x, y, z] = CELLS[s.cell];
          tick++;
          // Like the rules: place only into air, break only a block; a move the client refuses itself is still sent.
          const shown = getBlock(world, x, y, z);
          if ((s.block === Block.Air) !== (shown === Block.Air)) predict(world, pe, tick, x, y, z, s.block);
          sent.push({ tick, cell: s.cell, block: s.block });
        } else if (s.c === 'answer') {
          const a = sent.shift();
          if (!a) return;
          const [x, y, z] = CELLS[a.cell];
          const i = voxelIndex(x, y, z);
          const valid = (a.block === Block.Air) !== (server[i] === Block.Air);
          const ok = valid && !s.refuse;
          if (ok) { server[i] = a.block; dirty = true; }
          answerEdit(world, pe, a.tick, ok, x, y, z, server[i]);
        } else if (s.c === 'other') {
          const [x, y, z] = CELLS[s.cell];
          const i = voxelIndex(x, y, z);
          if (server[i] !== s.block) { server[i] = s.block; dirty = true; }
        } else if (s.c === 'flush') {
          flush();
        } else {
          flush(); // a whole column goes out only when it has no edits the section updates have not carried
          voxels.set(server);
          columnReplaced(world, pe, 0, 0);
        }
        // The invariant behind every section update applying cleanly: the client knows the server's last state.
        expect(serverSection(voxels, pe, 0, 0, 0)).toEqual(flushed);
      };

      for (const s of steps) run(s);
      while (sent.length) run({ c: 'answer', refuse: false });
      flush();
      expect(pe.byTick.size).toBe(0);
      expect(pe.cells.size).toBe(0);
      expect(voxels).toEqual(server);
    }), { numRuns: 500 });
  });
});
