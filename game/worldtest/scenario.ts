/** World-test scenarios: a TOML file describing the world and phases (build, break, walk), validated on load. */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { OptionError } from '../options.ts';

/** One phase of a scenario. */
export type Phase =
  | { kind: 'build' | 'break'; client: number; blocks: [number, number, number][] }
  | { kind: 'walk'; client: number; path: [number, number][] };

/** A scenario. */
export interface Scenario {
  /** Name for reports. */
  name: string;
  /** The world. */
  world: { generator: 'superflat' | 'noise'; radius: number; viewDistance: number; columnSections: number; seed: number };
  /** Timing. */
  timing: { joinSeconds: number; phaseTimeoutSeconds: number };
  /** Phases in order. */
  phases: Phase[];
}

function int(v: unknown, key: string, min: number, max: number, file: string): number {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw new OptionError(`${file}: ${key} must be an integer in ${min}..${max}; got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new OptionError(`${file}: ${key} must be an integer in ${min}..${max}; got ${n}`);
  return n;
}

function num(v: unknown, key: string, min: number, max: number, file: string): number {
  const n = Number(v);
  if (typeof v !== 'number' && typeof v !== 'bigint' || !Number.isFinite(n) || n < min || n > max) {
    throw new OptionError(`${file}: ${key} must be a number in ${min}..${max}; got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Reads and checks a scenario file; every problem names the key and what is allowed. */
export function loadScenario(file: string): Scenario {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new OptionError(`${file}: ${(e as Error).message}`);
  }
  const w = (doc.world ?? {}) as Record<string, unknown>;
  const t = (doc.timing ?? {}) as Record<string, unknown>;
  const generator = w.generator ?? 'superflat';
  if (generator !== 'superflat' && generator !== 'noise') throw new OptionError(`${file}: world.generator must be superflat or noise; got ${JSON.stringify(generator)}`);
  const phases = (doc.phase ?? []) as Record<string, unknown>[];
  if (!Array.isArray(phases) || phases.length === 0) throw new OptionError(`${file}: needs at least one [[phase]]`);
  return {
    name: String(doc.name ?? file),
    world: {
      generator, radius: int(w.radius ?? 3, 'world.radius', 1, 32, file), viewDistance: int(w.view_distance ?? 3, 'world.view_distance', 1, 16, file),
      columnSections: int(w.column_sections ?? 4, 'world.column_sections', 1, 32, file), seed: int(w.seed ?? 1, 'world.seed', 0, 4294967295, file),
    },
    timing: {
      joinSeconds: num(t.join_seconds ?? 3, 'timing.join_seconds', 0, 120, file),
      phaseTimeoutSeconds: num(t.phase_timeout_seconds ?? 20, 'timing.phase_timeout_seconds', 1, 600, file),
    },
    phases: phases.map((p, i): Phase => {
      const at = `phase[${i}]`;
      const client = int(p.client, `${at}.client`, 1, 1000, file);
      if (p.kind === 'build' || p.kind === 'break') {
        if (!Array.isArray(p.blocks) || p.blocks.length === 0) throw new OptionError(`${file}: ${at}.blocks must be a non-empty list of [x, y, z]`);
        return { kind: p.kind, client, blocks: p.blocks.map((b, k) => {
          if (!Array.isArray(b) || b.length !== 3) throw new OptionError(`${file}: ${at}.blocks[${k}] must be [x, y, z]`);
          return [int(b[0], `${at}.blocks[${k}][0]`, -4096, 4096, file), int(b[1], `${at}.blocks[${k}][1]`, 0, 1023, file), int(b[2], `${at}.blocks[${k}][2]`, -4096, 4096, file)];
        }) };
      }
      if (p.kind === 'walk') {
        if (!Array.isArray(p.path) || p.path.length === 0) throw new OptionError(`${file}: ${at}.path must be a non-empty list of [x, z]`);
        return { kind: 'walk', client, path: p.path.map((q, k) => {
          if (!Array.isArray(q) || q.length !== 2) throw new OptionError(`${file}: ${at}.path[${k}] must be [x, z]`);
          return [num(q[0], `${at}.path[${k}][0]`, -4096, 4096, file), num(q[1], `${at}.path[${k}][1]`, -4096, 4096, file)];
        }) };
      }
      throw new OptionError(`${file}: ${at}.kind must be build, break or walk; got ${JSON.stringify(p.kind)}`);
    }),
  };
}
