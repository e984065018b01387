/**
 * ECS bench, "movement systems 10k/100k entities, SAB vs ArrayBuffer stores": the tick cost of two movement
 * systems over the same entities, with component stores on a SharedArrayBuffer and, in the same run, on a plain
 * ArrayBuffer. `integrate` is plain velocity integration with gravity and a ground plane; `controller` is the
 * full character controller (walk + collision sweep) on a superflat world.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { addComponent, query } from 'bitecs';
import { createEcsWorld, spawnEntity, type EcsWorld, type EngineStores } from '../engine/ecs/world.ts';
import { Button } from '../engine/input.ts';
import { movePlayers } from '../engine/physics/movement-system.ts';
import { TICK_SECONDS } from '../engine/tick.ts';
import { createVoxelWorld, type VoxelWorld } from '../engine/voxel/voxel-world.ts';
import { DEFAULT_SUPERFLAT } from '../engine/voxel/terrain/generator.ts';
import { generateColumnsSync, squareAround } from '../workers/terrain.main.ts';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import { summarize } from '../engine/stats.ts';

const OPTIONS = {
  entities: { kind: 'string', default: '10000,100000', help: 'comma-separated entity counts' },
  ms: { kind: 'int', default: 1500, min: 50, max: 60_000, help: 'time spent measuring each case' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

function populate(ecs: EcsWorld, n: number): Uint32Array {
  const s = ecs.stores;
  for (let i = 0; i < n; i++) {
    const e = spawnEntity(ecs);
    addComponent(ecs, e, s.Transform); addComponent(ecs, e, s.Velocity); addComponent(ecs, e, s.Player);
    s.Transform.x[e] = (i % 300) - 150 + 0.5; s.Transform.z[e] = Math.floor(i / 300) % 300 - 150 + 0.5; s.Transform.y[e] = 7;
    s.Transform.yaw[e] = (i * 37) % 1024;
    s.Velocity.x[e] = ((i % 7) - 3) * 0.5; s.Velocity.z[e] = ((i % 5) - 2) * 0.5;
    s.Player.buttons[e] = Button.Forward | (i % 3 === 0 ? Button.Jump : 0);
  }
  return Uint32Array.from(query(ecs, [s.Transform, s.Velocity]));
}

/** Velocity integration with gravity and a ground plane at y = 7. */
function integrate(s: EngineStores, eids: Uint32Array): void {
  const { x, y, z } = s.Transform;
  const v = s.Velocity;
  const dt = TICK_SECONDS;
  for (let i = 0; i < eids.length; i++) {
    const e = eids[i];
    v.y[e] -= 32 * dt;
    x[e] += v.x[e] * dt; y[e] += v.y[e] * dt; z[e] += v.z[e] * dt;
    if (y[e] < 7) { y[e] = 7; v.y[e] = 8; }
  }
}

function measure(run: () => void, ms: number): { usPerTick: number; ticks: number } {
  for (let i = 0; i < 5; i++) run(); // warm-up
  const samples: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t = performance.now();
    run();
    samples.push((performance.now() - t) * 1000);
  }
  return { usPerTick: summarize(samples).p50, ticks: samples.length };
}

/** The `ecs` bench. */
export const ecsBench: Bench = {
  summary: 'movement systems, SAB vs ArrayBuffer stores',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench ecs [options]', 'Tick cost of movement systems on SAB and ArrayBuffer stores.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const counts = o.entities.split(',').map(Number);
    const voxels: VoxelWorld = createVoxelWorld();
    generateColumnsSync(voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 10));
    const rows: { entities: number; system: string; store: string; usPerTick: number; nsPerEntity: number; ticks: number }[] = [];
    for (const n of counts) {
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new RangeError(`--entities: each count must be an integer in 1..1000000, got ${n}`);
      for (const system of ['integrate', 'controller'] as const) {
        for (const shared of [true, false]) {
          const ecs = createEcsWorld({ capacity: Math.max(16, n + 1), shared });
          const eids = populate(ecs, n);
          const step = system === 'integrate' ? () => integrate(ecs.stores, eids) : () => movePlayers(ecs.stores, voxels, eids);
          const m = measure(step, o.ms);
          rows.push({ entities: n, system, store: shared ? 'SharedArrayBuffer' : 'ArrayBuffer', usPerTick: m.usPerTick, nsPerEntity: (m.usPerTick * 1000) / n, ticks: m.ticks });
        }
      }
    }
    console.log('ecs bench: median tick cost of one movement system (Node ' + process.version + ')');
    console.log('entities  system      store              us/tick   ns/entity  ticks measured');
    for (const r of rows) {
      console.log(`${String(r.entities).padStart(8)}  ${r.system.padEnd(10)}  ${r.store.padEnd(17)}  ${r.usPerTick.toFixed(1).padStart(8)}  ${r.nsPerEntity.toFixed(1).padStart(9)}  ${r.ticks}`);
    }
    if (o.json) writeFileSync(o.json, JSON.stringify({ node: process.version, rows }, null, 2) + '\n');
    return 0;
  },
};
