import { describe, expect, it } from 'vitest';
import { INTERPOLATION_DELAY_TICKS, MAX_EXTRAPOLATION_TICKS, createSnapshotBuffer, followPose, pushSnapshot, samplePose, yawDelta, type Pose } from '../../../engine/prediction/interpolation.ts';

describe('interpolation', () => {
  it('lerps position between snapshots and turns yaw along the shortest arc', () => {
    const b = createSnapshotBuffer();
    pushSnapshot(b, 10, 0, 0, 0, 1000);
    pushSnapshot(b, 12, 2, 4, -2, 40);
    const out: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    expect(samplePose(b, 11, out)).toBe(true);
    expect(out).toMatchObject({ x: 1, y: 2, z: -1 });
    expect(out.yaw).toBeCloseTo(8, 6); // 1000 -> 40 through 0 (64 steps), halfway = 1032 = 8
    expect(yawDelta(1000, 40)).toBe(64);
    expect(yawDelta(40, 1000)).toBe(-64);
  });

  it('extrapolates a bounded time past the newest snapshot, then holds', () => {
    const b = createSnapshotBuffer();
    pushSnapshot(b, 1, 0, 0, 0, 0);
    pushSnapshot(b, 2, 1, 0, 0, 0);
    const out: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    samplePose(b, 3, out);
    expect(out.x).toBeCloseTo(2);
    samplePose(b, 50, out);
    expect(out.x).toBeCloseTo(1 + MAX_EXTRAPOLATION_TICKS);
    expect(samplePose(createSnapshotBuffer(), 5, out)).toBe(false);
  });

  it('drawn 2 ticks behind with lost snapshots, a walker never moves faster than it can walk and stays close', () => {
    const SPEED = 5.612 / 20; // sprint, blocks per tick
    const FRAMES = 3; // frames per tick
    const b = createSnapshotBuffer();
    const truth: number[] = [];
    let x = 0;
    // The entity sprints back and forth; snapshots every 2nd tick, 20% of them lost.
    let lcg = 7;
    const rand = () => ((lcg = (lcg * 1103515245 + 12345) % 2147483648) / 2147483648);
    const target: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    let drawn: Pose | null = null;
    let maxStep = 0, errSum = 0, samples = 0;
    for (let tick = 0; tick < 400; tick++) {
      x += (Math.floor(tick / 40) % 2 === 0 ? 1 : -1) * SPEED;
      truth.push(x);
      if (tick % 2 === 0 && rand() > 0.2) pushSnapshot(b, tick, x, 0, 0, 0);
      for (let frame = 0; frame < FRAMES; frame++) {
        const renderTick = tick + frame / FRAMES - INTERPOLATION_DELAY_TICKS;
        if (!samplePose(b, renderTick, target)) continue;
        if (!drawn) { drawn = { ...target }; continue; }
        const before = drawn.x;
        followPose(drawn, target, SPEED / FRAMES);
        maxStep = Math.max(maxStep, Math.abs(drawn.x - before));
        if (renderTick >= 1) {
          const t0 = Math.floor(renderTick);
          const exact = truth[t0] + (truth[t0 + 1] - truth[t0]) * (renderTick - t0);
          errSum += Math.abs(drawn.x - exact);
          samples++;
        }
      }
    }
    expect(maxStep).toBeGreaterThan(SPEED / FRAMES / 2);
    expect(maxStep).toBeLessThanOrEqual(SPEED / FRAMES + 1e-9);
    // And it is not merely slow: on average the drawn walker is within a fifth of a block of where it really was.
    expect(errSum / samples).toBeLessThan(0.2);
  });

  it('follows a teleport with a jump', () => {
    const drawn: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
    followPose(drawn, { x: 50, y: 0, z: 0, yaw: 3 }, 0.1);
    expect(drawn).toEqual({ x: 50, y: 0, z: 0, yaw: 3 });
  });
});
