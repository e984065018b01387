/**
 * `stratum-voxel sim`: a headless server simulation, no network, with scripted bots. Prints a summary; the last line is
 * `state-hash <16 hex digits>`, the same for the same arguments in any process.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadHasher, stateHash, generateColumnsInPool, summarize, updateLight, lightHash } from '../../engine/index.ts';
import { WEATHER_NAMES, readSky } from '../sky/sky.ts';
import { createNodePool } from '../../engine/server.ts';
import { createSim, type Sim, type SimSetup } from '../sim-run.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { GAME_SYSTEMS } from '../rules.ts';
import { drops, mobs } from '../mobs.ts';
import { formatHelp, parseOptions } from '../options.ts';
import type { Command } from './command.ts';

const OPTIONS = {
  seed: { kind: 'int', default: 1, min: 0, max: 4294967295, help: 'world and bot seed' },
  ticks: { kind: 'int', default: 600, min: 1, max: 10_000_000, help: 'ticks to simulate (20 per simulated second)' },
  bots: { kind: 'int', default: 8, min: 0, max: 1000, help: 'scripted bots' },
  world: { kind: 'string', default: 'noise', choices: ['noise', 'superflat'], help: 'terrain generator' },
  radius: { kind: 'int', default: 3, min: 1, max: 32, help: 'generated area: chunks around the origin' },
  'hash-every': { kind: 'int', default: 200, min: 0, max: 10_000_000, help: 'print the state hash every N ticks (0: off)' },
  threads: { kind: 'int', default: 2, min: 1, max: 64, help: 'terrain worker threads' },
  json: { kind: 'string', help: 'write tick timings and counts to this JSON file' },
} as const;

/** The `sim` command. */
export const sim: Command = {
  summary: 'headless simulation with scripted bots',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel sim [options]', 'Headless server simulation, no network. Last line: state-hash <16 hex>.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const hasher = await loadHasher();
    const pool = createNodePool({ threads: o.threads });
    let sim: Sim;
    try {
      sim = await createSim({ seed: o.seed, bots: o.bots, world: o.world as SimSetup['world'], radius: o.radius, protocol: GAME_PROTOCOL, systems: GAME_SYSTEMS }, (voxels, terrain, coords) => generateColumnsInPool(pool, voxels, terrain, coords));
    } finally {
      await pool.destroy();
    }
    const world = sim.world;
    // Light: the whole world lit once, then each tick's edits applied incrementally (as the server does).
    const lightStart = performance.now();
    updateLight(world.voxels);
    const lightMs = performance.now() - lightStart;
    const weathers = new Set<number>([readSky(world).weather]);
    const counts = { placed: 0, broken: 0, refused: 0 };
    const refusals: Record<string, number> = {};
    world.events.on('BlockChanged', (e) => { if (e.block === 0) counts.broken++; else counts.placed++; });
    world.events.on('ActionRefused', (e) => { counts.refused++; refusals[e.reason] = (refusals[e.reason] ?? 0) + 1; });

    const durations = new Float64Array(o.ticks);
    const progressEvery = Math.max(1, Math.floor(o.ticks / 10));
    const t0 = performance.now();
    for (let t = 0; t < o.ticks; t++) {
      const start = performance.now();
      sim.step();
      updateLight(world.voxels);
      durations[t] = performance.now() - start;
      weathers.add(readSky(world).weather);
      if (o['hash-every'] > 0 && world.tick % o['hash-every'] === 0) console.log(`tick ${world.tick} hash ${stateHash(hasher, world)}`);
      if (o.ticks >= 2000 && (t + 1) % progressEvery === 0) process.stderr.write(`sim: ${t + 1}/${o.ticks} ticks\n`);
    }
    const wallMs = performance.now() - t0;
    const tickMs = summarize(durations);
    const hash = stateHash(hasher, world);
    console.log(`ticks ${o.ticks}, bots ${o.bots}, world ${o.world}, seed ${o.seed}`);
    console.log(`mobs ${mobs(world).length}, items dropped ${drops(world).length}`);
    console.log(`blocks placed ${counts.placed}, broken ${counts.broken}, refused ${counts.refused} ${JSON.stringify(refusals)}`);
    const sky = readSky(world);
    console.log(`sky: day ${sky.day}, time ${sky.time} of ${sky.dayTicks} ticks, weather ${WEATHER_NAMES[sky.weather]} (${sky.weatherLeft} ticks left; seen ${[...weathers].map((w) => WEATHER_NAMES[w]).join(', ')})`);
    console.log(`light: ${world.voxels.columns.size} columns lit in ${lightMs.toFixed(0)} ms, light-hash ${lightHash(hasher, world.voxels)}`);
    console.log(`tick ms: mean ${tickMs.mean.toFixed(3)}, p50 ${tickMs.p50.toFixed(3)}, p99 ${tickMs.p99.toFixed(3)}, max ${tickMs.max.toFixed(3)}; ${(o.ticks / (wallMs / 1000)).toFixed(0)} ticks/s`);
    if (o.json) {
      writeFileSync(o.json, JSON.stringify({ seed: o.seed, ticks: o.ticks, bots: o.bots, world: o.world, counts, refusals, tickMs, sky, lightHash: lightHash(hasher, world.voxels), stateHash: hash }, null, 2) + '\n');
    }
    console.log(`state-hash ${hash}`);
    return 0;
  },
};
