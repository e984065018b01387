/**
 * Deterministic 2D value noise and fractal sums, from integer lattice hashes and + - * / only (no Math.sin, no
 * Math.random), so every engine computes the same heights bit for bit.
 */
import { hashCoords } from '../../rng.ts';

function lattice(seed: number, x: number, z: number): number {
  return hashCoords(seed, x, 0, z) / 4294967296; // [0, 1)
}

function smooth(t: number): number {
  return t * t * t * (t * (t * 6 - 15) + 10);
}

/** Value noise in [0, 1) at (x, z) with lattice spacing `scale` blocks. */
export function valueNoise2(seed: number, x: number, z: number, scale: number): number {
  const fx = x / scale, fz = z / scale;
  const x0 = Math.floor(fx), z0 = Math.floor(fz);
  const tx = smooth(fx - x0), tz = smooth(fz - z0);
  const a = lattice(seed, x0, z0), b = lattice(seed, x0 + 1, z0);
  const c = lattice(seed, x0, z0 + 1), d = lattice(seed, x0 + 1, z0 + 1);
  const ab = a + (b - a) * tx, cd = c + (d - c) * tx;
  return ab + (cd - ab) * tz;
}

/** Fractal sum of `octaves` value-noise layers (each half the scale and half the weight), normalised to [0, 1). */
export function fbm2(seed: number, x: number, z: number, scale: number, octaves: number): number {
  let sum = 0, weight = 1, total = 0;
  for (let o = 0; o < octaves; o++) {
    sum += valueNoise2(seed + o * 1013, x, z, scale) * weight;
    total += weight;
    weight *= 0.5;
    scale *= 0.5;
  }
  return sum / total;
}
