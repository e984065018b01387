/**
 * Seeded pseudo-random numbers for simulation code (which must never call `Math.random`).
 * sfc32, seeded through splitmix32; 32-bit integer arithmetic only, so every engine gives the same sequence.
 */

/** A seeded generator. Its whole state is four 32-bit words, so it can be saved and restored. */
export interface Rng {
  /** Next unsigned 32-bit integer. */
  nextU32(): number;
  /** Next float in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Next integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A copy of the state, for snapshots. */
  state(): Uint32Array;
}

/** Mixes a 32-bit value (splitmix32 finaliser). Also useful as a hash of integer coordinates. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hashes a seed and integer coordinates to an unsigned 32-bit value; used by terrain features. */
export function hashCoords(seed: number, x: number, y: number, z: number): number {
  let h = mix32(seed ^ 0x51ed270b);
  h = mix32(h ^ Math.imul(x | 0, 0x27d4eb2d));
  h = mix32(h ^ Math.imul(y | 0, 0x165667b1));
  return mix32(h ^ Math.imul(z | 0, 0x1b873593));
}

/** Creates a generator from a seed (any integer; only its low 32 bits count), or from a saved state. */
export function createRng(seed: number | Uint32Array): Rng {
  let a: number, b: number, c: number, d: number;
  if (typeof seed === 'number') {
    a = mix32(seed);
    b = mix32(a);
    c = mix32(b);
    d = mix32(c);
  } else {
    [a, b, c, d] = [seed[0] | 0, seed[1] | 0, seed[2] | 0, seed[3] | 0];
  }
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up fresh seeds only: a restored state continues exactly where it was saved.
  if (typeof seed === 'number') for (let i = 0; i < 12; i++) nextU32();
  return {
    nextU32,
    next: () => nextU32() / 4294967296,
    int(min, max) {
      if (!(Number.isInteger(min) && Number.isInteger(max) && max >= min)) {
        throw new RangeError(`Rng.int: need integers min <= max, got ${min}, ${max}`);
      }
      return min + Math.floor((nextU32() / 4294967296) * (max - min + 1));
    },
    chance: (p) => nextU32() / 4294967296 < p,
    state: () => Uint32Array.of(a, b, c, d),
  };
}
