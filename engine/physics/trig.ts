/**
 * Sine and cosine of yaw steps from a fixed table. The table is computed with + - * / only (a Taylor series on the
 * first quadrant, then symmetry), so it is the same bit for bit on every engine; Math.sin is never used.
 */
import { YAW_STEPS } from '../input.ts';

function taylorSin(x: number): number {
  // x in [0, pi/2]; terms to x^23 keep the error far below float32 precision.
  let term = x, sum = x;
  const x2 = x * x;
  for (let n = 1; n <= 11; n++) {
    term = (-term * x2) / ((2 * n) * (2 * n + 1));
    sum += term;
  }
  return sum;
}

const QUARTER = YAW_STEPS / 4;
const SIN = new Float32Array(YAW_STEPS);
for (let i = 0; i <= QUARTER; i++) {
  const s = Math.fround(taylorSin((i * 2 * Math.PI) / YAW_STEPS));
  SIN[i] = s;
  SIN[(2 * QUARTER - i) % YAW_STEPS] = s;
  SIN[(2 * QUARTER + i) % YAW_STEPS] = -s;
  SIN[(4 * QUARTER - i) % YAW_STEPS] = -s;
}
SIN[0] = 0;
SIN[2 * QUARTER] = 0;

/** Sine of a yaw step (any integer; wrapped). */
export function sinStep(step: number): number {
  return SIN[((step % YAW_STEPS) + YAW_STEPS) % YAW_STEPS];
}

/** Cosine of a yaw step (any integer; wrapped). */
export function cosStep(step: number): number {
  return sinStep(step + QUARTER);
}
