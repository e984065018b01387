/**
 * The custom game headless: its components, systems and actions, two walkers casting now and then, and a zombie,
 * stepped without a network; prints the state hash. `node examples/custom-game/sim.ts SEED TICKS`.
 */
import {
  Button, DEFAULT_SUPERFLAT, componentLayout, createGameWorld, encodeActionPayload, gameSchedule, generateColumnsSync, loadHasher,
  spawnKind, spawnPlayer, squareAround, stateHash, stepWorld, surfaceY, YAW_STEPS, type PlayerInput,
} from 'stratum-voxel';
import { CUSTOM_KIT, CUSTOM_PROTOCOL, CastLight } from './protocol.ts';
import { CUSTOM_SYSTEMS } from './systems.ts';

/** Runs `ticks` ticks of the game from `seed` and returns its state hash. */
export async function customSimHash(seed: number, ticks: number): Promise<string> {
  const world = createGameWorld({ seed, components: componentLayout(CUSTOM_PROTOCOL) });
  generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 2));
  const players = [-2.5, 2.5].map((x) => spawnPlayer(world, x, surfaceY(world, Math.floor(x), 0), 0.5, CUSTOM_KIT, 1));
  spawnKind(world, 3, 0.5, surfaceY(world, 0, 0), 4.5);
  const schedule = gameSchedule(CUSTOM_SYSTEMS, CUSTOM_PROTOCOL.actions);
  const cast = [{ id: CastLight.id, data: encodeActionPayload(CastLight, { slot: 0 }) }];
  const inputs = new Map<number, PlayerInput>();
  for (let t = 0; t < ticks; t++) {
    players.forEach((eid, i) => inputs.set(eid, {
      tick: t, buttons: t % 40 < 20 ? Button.Forward : 0, yaw: (i * 512 + t * 4) % YAW_STEPS, pitch: 0,
      actions: t % 15 === i ? cast : undefined,
    }));
    stepWorld(world, inputs, schedule);
  }
  return stateHash(await loadHasher(), world);
}

if (import.meta.main) console.log(await customSimHash(Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 200)));
