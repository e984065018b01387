/** crosserBot: heads +x (or first -x) until x >= span, then -x until x <= -span, and again; always walking; jumps when stopped. */
import { describe, expect, it } from 'vitest';
import { Button, cosStep, sinStep } from '../../../engine/index.ts';
import { crosserBot } from '../../../game/client/crosser-bot.ts';

/** A client whose predicted body stands at x, moving at vx. */
const at = (x: number, vx = 5) => ({ localEid: 1, predictor: { body: { x, y: 10, z: 0, vx, vy: 0, vz: 0, onGround: true } } }) as never;
/** The x direction of a yaw (forward is (-sin, cos)). */
const dirX = (yaw: number) => Math.round(-sinStep(yaw));

describe('crosserBot', () => {
  it('walks back and forth across x = 0 between -span and +span', () => {
    const bot = crosserBot(10);
    const seen: number[] = [];
    for (const x of [0, 5, 10, 5, 0, -5, -10, -5, 0, 10]) seen.push(dirX(bot(at(x)).yaw));
    expect(seen).toEqual([1, 1, -1, -1, -1, -1, 1, 1, 1, -1]);
    expect(cosStep(bot(at(0)).yaw)).toBeCloseTo(0, 5); // along x only
  });

  it('sets off towards -x when asked', () => {
    const bot = crosserBot(10, false);
    expect([0, -10, 0].map((x) => dirX(bot(at(x)).yaw))).toEqual([-1, 1, 1]);
  });

  it('always sprints forward, jumps when stopped on the ground, and idles without a body', () => {
    const bot = crosserBot(10);
    expect(bot(at(0)).buttons).toBe(Button.Forward | Button.Sprint);
    expect(bot(at(0, 0)).buttons).toBe(Button.Forward | Button.Sprint | Button.Jump);
    expect(bot({ localEid: 0, predictor: undefined } as never).buttons).toBe(0);
    expect(() => crosserBot(0)).toThrow(RangeError);
  });
});
