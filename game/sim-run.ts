/**
 * The headless simulation behind `stratum sim`, free of Node: a world with generated terrain and scripted bots,
 * stepped tick by tick. The CLI generates terrain in its worker pool and times the ticks; the browser page runs the
 * same thing on its main thread (`window.stratum.simStateHash`), so that a test can compare the state hashes of
 * Node and Chromium for the same seed and inputs.
 */
import {
  loadHasher, type PlayerInput, createGameWorld, spawnPlayer, type GameWorld, type Kit, stateHash, gameSchedule,
  stepWorld, type System, componentLayout, type ProtocolDefinition, surfaceY, Block, DEFAULT_SUPERFLAT,
  type TerrainConfig, type VoxelWorld, squareAround,
} from '../engine/index.ts';
import { botInput, createScriptedBot } from './client/bot.ts';
import { GAME_PROTOCOL } from './protocol.ts';
import { skyEntity } from './sky/sky.ts';
import { GAME_SYSTEMS } from './rules.ts';

/** The starting hotbar of sim bots. */
export const BOT_KIT: Kit = [[0, Block.Planks, 64], [1, Block.Cobblestone, 64], [2, Block.Glass, 64]];

/** What a simulation is made of; the state hash depends on exactly these. */
export interface SimSetup {
  /** World and bot seed. */
  seed: number;
  /** Scripted bots. */
  bots: number;
  /** Terrain generator. */
  world: 'noise' | 'superflat';
  /** Generated area: chunks around the origin. */
  radius: number;
  /** The protocol definition whose components the world lays out (default: the game's, GAME_PROTOCOL). */
  protocol?: ProtocolDefinition;
  /** The game's systems, scheduled with the built-ins (default: the game's, GAME_SYSTEMS, with the default protocol; none with another). */
  systems?: readonly System[];
}

/** Generates terrain columns into a voxel world (a worker pool on the server, the calling thread elsewhere). */
export type GenerateColumns = (voxels: VoxelWorld, terrain: TerrainConfig, coords: [number, number][]) => Promise<void> | void;

/** A simulation ready to step. */
export interface Sim {
  /** The world (its tick counts the steps). */
  readonly world: GameWorld;
  /** Runs one tick: every bot chooses its input, then the world steps. */
  step(): void;
}

/** Builds the world, generates its terrain with `generate`, and places the bots. */
export async function createSim(o: SimSetup, generate: GenerateColumns): Promise<Sim> {
  const world = createGameWorld({
    capacity: Math.max(64, o.bots + 16) + 128, seed: o.seed, components: componentLayout(o.protocol ?? GAME_PROTOCOL),
  });
  const systems = o.systems ?? (o.protocol ? [] : GAME_SYSTEMS);
  // The sky's entity comes first, as on the game's server (sky-server.ts attaches it before anyone joins).
  if (!o.protocol) skyEntity(world);
  const schedule = gameSchedule(systems, (o.protocol ?? GAME_PROTOCOL).actions);
  const terrain: TerrainConfig = o.world === 'superflat' ? DEFAULT_SUPERFLAT : { kind: 'noise', seed: o.seed };
  await generate(world.voxels, terrain, squareAround(0, 0, o.radius));
  const bots: ReturnType<typeof createScriptedBot>[] = [];
  for (let i = 0; i < o.bots; i++) {
    const x = (i % 8) * 3 - 10.5, z = Math.floor(i / 8) * 3 - 10.5;
    bots.push(createScriptedBot(o.seed, i, spawnPlayer(world, x, surfaceY(world, Math.floor(x), Math.floor(z)), z, BOT_KIT)));
  }
  const bound = o.radius * 16 - 4;
  const inputs = new Map<number, PlayerInput>();
  return {
    world,
    step() {
      inputs.clear();
      for (const bot of bots) inputs.set(bot.eid, botInput(world, bot, bound));
      stepWorld(world, inputs, schedule);
    },
  };
}

/** Builds a simulation, runs it for `ticks` ticks and returns its state hash (what `stratum sim` prints last). */
export async function simStateHash(o: SimSetup & { ticks: number }, generate: GenerateColumns): Promise<string> {
  const sim = await createSim(o, generate);
  for (let t = 0; t < o.ticks; t++) sim.step();
  return stateHash(await loadHasher(), sim.world);
}
