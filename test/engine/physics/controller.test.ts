import { describe, expect, it } from 'vitest';
import { Button, YAW_STEPS } from '../../../engine/input.ts';
import {
  BODY_HEIGHT, HALF_WIDTH, JUMP_SPEED, SPRINT_SPEED, TERMINAL_SPEED, WALK_SPEED, bodyInSolid, stepBody, wishVelocity, type Body,
} from '../../../engine/physics/controller.ts';
import { cosStep, sinStep } from '../../../engine/physics/trig.ts';
import { createRng } from '../../../engine/rng.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { setBlock } from '../../../engine/voxel/voxel-world.ts';
import { terrainWorld } from '../../support/worlds.ts';

const body = (x: number, y: number, z: number): Body => ({ x, y, z, vx: 0, vy: 0, vz: 0, onGround: false });
const GROUND = 7; // superflat surface

describe('trig table', () => {
  it('matches Math.sin to float32 precision and has exact quadrant values', () => {
    for (let s = 0; s < YAW_STEPS; s += 7) expect(sinStep(s)).toBeCloseTo(Math.sin((s / YAW_STEPS) * 2 * Math.PI), 6);
    expect([sinStep(0), sinStep(256), sinStep(512), sinStep(768)]).toEqual([0, 1, 0, -1]);
    expect(cosStep(0)).toBe(1);
    expect(sinStep(-256)).toBe(-1);
  });
});

describe('character controller', () => {
  it('falls onto the ground and lands exactly on the surface', () => {
    const w = terrainWorld(1);
    const b = body(0.5, 30.3, 0.5);
    for (let i = 0; i < 60; i++) stepBody(w, b, { buttons: 0, yaw: 0 });
    expect(b.y).toBe(GROUND);
    expect(b.onGround).toBe(true);
    expect(b.vy).toBe(0);
  });

  it('does not tunnel through a one-block floor at terminal speed', () => {
    const w = terrainWorld(1, undefined, 16);
    for (let x = -2; x <= 2; x++) for (let z = -2; z <= 2; z++) setBlock(w, x, 100, z, Block.Glass);
    const b = body(0.5, 200, 0.5);
    b.vy = -TERMINAL_SPEED;
    for (let i = 0; i < 80; i++) stepBody(w, b, { buttons: 0, yaw: 0 });
    expect(b.y).toBe(101);
  });

  it('walks at walking speed and sprints faster, in the facing direction', () => {
    expect(wishVelocity({ buttons: Button.Forward, yaw: 0 })).toEqual([-0, WALK_SPEED]);
    const [sx, sz] = wishVelocity({ buttons: Button.Forward | Button.Sprint, yaw: 256 });
    expect(sx).toBeCloseTo(-SPRINT_SPEED, 5);
    expect(sz).toBeCloseTo(0, 5);
    const [dx, dz] = wishVelocity({ buttons: Button.Forward | Button.Right, yaw: 0 });
    expect(Math.hypot(dx, dz)).toBeCloseTo(WALK_SPEED, 5);
  });

  it('slides along a wall: blocked on x, still moving on z', () => {
    const w = terrainWorld(1);
    for (let z = -10; z <= 10; z++) for (let y = GROUND; y < GROUND + 3; y++) setBlock(w, 3, y, z, Block.Stone);
    const b = body(1.5, GROUND, 0.5);
    b.onGround = true;
    // Face between +x (yaw 768) and +z (yaw 0): push diagonally into the wall.
    const input = { buttons: Button.Forward, yaw: 896 };
    for (let i = 0; i < 20; i++) stepBody(w, b, input);
    // Positions are float32: contact is exact to within one float32 step of the face.
    expect(b.x + HALF_WIDTH).toBeCloseTo(3, 5);
    expect(b.x + HALF_WIDTH).toBeLessThanOrEqual(3 + 1e-6);
    expect(b.z).toBeGreaterThan(0.5 + 0.9 * 20 * 0.05 * WALK_SPEED * Math.SQRT1_2);
    expect(bodyInSolid(w, b)).toBe(false);
  });

  it('jumps about 1.3 blocks and stops at a ceiling', () => {
    const w = terrainWorld(1);
    const open = body(0.5, GROUND, 0.5);
    open.onGround = true;
    let top = 0;
    for (let i = 0; i < 30; i++) { stepBody(w, open, { buttons: i === 0 ? Button.Jump : 0, yaw: 0 }); top = Math.max(top, open.y); }
    expect(top - GROUND).toBeGreaterThan(1.1);
    expect(top - GROUND).toBeLessThan(JUMP_SPEED * JUMP_SPEED / 64 + 0.1);
    expect(open.y).toBe(GROUND);

    // A ceiling 2 blocks above the feet: the head (1.8 tall) has 0.2 blocks of room.
    for (let x = -2; x <= 2; x++) for (let z = -2; z <= 2; z++) setBlock(w, x, GROUND + 2, z, Block.Stone);
    const b = body(0.5, GROUND, 0.5);
    b.onGround = true;
    let highest = 0;
    for (let i = 0; i < 30; i++) { stepBody(w, b, { buttons: i === 0 ? Button.Jump : 0, yaw: 0 }); highest = Math.max(highest, b.y); }
    expect(highest + BODY_HEIGHT).toBeCloseTo(GROUND + 2, 5);
    expect(highest + BODY_HEIGHT).toBeLessThanOrEqual(GROUND + 2 + 1e-6);
    expect(b.y).toBe(GROUND);
  });

  it('10,000 random moves in a cluttered world never end inside a solid block', () => {
    const w = terrainWorld(1);
    const rng = createRng(1234);
    for (let i = 0; i < 400; i++) {
      setBlock(w, rng.int(-12, 12), rng.int(GROUND, GROUND + 4), rng.int(-12, 12), rng.chance(0.5) ? Block.Stone : Block.Glass);
    }
    const b = body(0.5, GROUND + 6, 0.5);
    let moved = 0;
    for (let i = 0; i < 10_000; i++) {
      const buttons = rng.int(0, 63);
      const yaw = rng.int(0, YAW_STEPS - 1);
      if (rng.chance(0.01)) b.vy = rng.chance(0.5) ? -TERMINAL_SPEED : JUMP_SPEED;
      const before = b.x + b.z;
      stepBody(w, b, { buttons, yaw });
      if (b.x + b.z !== before) moved++;
      expect(bodyInSolid(w, b)).toBe(false);
      // Stay in the generated area: pull back towards the centre when far out.
      if (Math.abs(b.x) > 13 || Math.abs(b.z) > 13) { b.x = 0.5; b.z = 0.5; b.y = GROUND + 6; b.vy = 0; }
    }
    expect(moved).toBeGreaterThan(5000);
  });

  it('is deterministic: the same inputs give bit-identical bodies', () => {
    const run = () => {
      const w = terrainWorld(1);
      const rng = createRng(77);
      const b = body(0.5, GROUND, 0.5);
      for (let i = 0; i < 500; i++) stepBody(w, b, { buttons: rng.int(0, 63), yaw: rng.int(0, 1023) });
      return [b.x, b.y, b.z, b.vx, b.vy, b.vz];
    };
    expect(run()).toEqual(run());
    expect(new Float32Array(run())).toEqual(new Float32Array(run()));
  });
});
