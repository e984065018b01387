import { describe, expect, it } from 'vitest';
import { Button, type PlayerInput } from '../../../engine/input.ts';
import { stepBody, type Body } from '../../../engine/physics/controller.ts';
import { createPredictor, decayOffset, predict, reconcile } from '../../../engine/prediction/predictor.ts';
import { createRng } from '../../../engine/rng.ts';
import { terrainWorld } from '../../support/worlds.ts';

const start = (): Body => ({ x: 0.5, y: 7, z: 0.5, vx: 0, vy: 0, vz: 0, onGround: true });

function scriptedInputs(n: number, seed: number): PlayerInput[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, tick) => ({ tick, buttons: rng.chance(0.8) ? Button.Forward | (rng.chance(0.2) ? Button.Jump : 0) : 0, yaw: rng.int(0, 1023), pitch: 0 }));
}

describe('predictor', () => {
  it('never reconciles when the server computes the same thing (shared deterministic physics)', () => {
    const world = terrainWorld(2);
    const p = createPredictor(start());
    const server = start();
    const inputs = scriptedInputs(200, 1);
    const serverBodies: Body[] = [];
    for (const input of inputs) {
      predict(p, world, input);
      stepBody(world, server, input);
      serverBodies.push({ ...server });
      // The server's state arrives a few ticks later.
      const t = input.tick - 4;
      if (t >= 0) expect(reconcile(p, world, t, serverBodies[t])).toBeNull();
    }
    expect(p.reconciliations).toBe(0);
  });

  it('rewinds to the server state and replays: a server-side correction converges at once', () => {
    const world = terrainWorld(2);
    const p = createPredictor(start());
    const server = start();
    const inputs = scriptedInputs(40, 2);
    const serverBodies: Body[] = [];
    for (const input of inputs) {
      if (input.tick === 20) server.x += 3; // the server teleports the player (knockback, say)
      stepBody(world, server, input);
      serverBodies.push({ ...server });
      predict(p, world, input);
    }
    const ev = reconcile(p, world, 25, serverBodies[25]);
    expect(ev).not.toBeNull();
    expect(ev!.errorBlocks).toBeGreaterThan(2.5);
    expect(ev!.errorMs).toBeCloseTo((ev!.errorBlocks / 4.317) * 1000, 6);
    expect(ev!.replayed).toBe(14);
    // After replay the predicted present equals the server's present exactly.
    expect(p.body).toEqual(serverBodies[39]);
    // The drawn position does not snap: the offset carries the difference and decays away.
    expect(Math.abs(p.offset[0])).toBeGreaterThan(2);
    for (let i = 0; i < 120; i++) decayOffset(p, 16); // two seconds of 60 Hz frames
    expect(p.offset).toEqual([0, 0, 0]);
    // A stale authoritative state is ignored.
    expect(reconcile(p, world, 24, serverBodies[24])).toBeNull();
  });
});
