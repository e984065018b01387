/**
 * The game's server on the loopback stepper, as `stratum serve` runs it: the sky host (its entity first), the world's
 * systems (mobs, backpacks), the sky's join hook and admin commands, with the server's session recorded for replay.
 */
import { loadHasher } from '../../engine/hash.ts';
import { localIdentity } from '../../engine/protocol/handshake.ts';
import { DEFAULT_SUPERFLAT } from '../../engine/voxel/terrain/generator.ts';
import type { EditStore } from '../../engine/platform/node/edit-store.ts';
import { WORLD_SYSTEMS } from '../../game/rules.ts';
import { createSkyHost } from '../../game/sky/sky-server.ts';
import { createSessionRecording, type SessionRecording } from '../../game/worldtest/session-recording.ts';
import { createStepper } from './stepper.ts';

/** Options of {@link gameStepper}. */
export interface GameStepperOptions {
  /** The edit store, which also keeps the sky (default none). */
  store?: EditStore | null;
  /** The world seed (default the stepper's). */
  seed?: number;
}

/** Builds the game's stepper; `rec()` is the server's recording (finish it before reading its events). */
export async function gameStepper(o: GameStepperOptions = {}) {
  const hasher = await loadHasher();
  const identity = localIdentity(hasher);
  const config = { terrain: DEFAULT_SUPERFLAT, worldRadius: 2, columnSections: 4 };
  const store = o.store ?? null;
  let rec: SessionRecording | undefined;
  const sky = createSkyHost({ store });
  const st = await createStepper({
    ...config, store, recorder: (world) => (rec = createSessionRecording(world, hasher, identity, config)).recorder,
    game: { systems: [...sky.systems, ...WORLD_SYSTEMS], onJoin: (p) => sky.onJoin(p), commands: sky.commands, ...(o.seed === undefined ? {} : { seed: o.seed }) },
  });
  sky.attach(st.server);
  return { st, sky, rec: () => rec!, hasher, identity, config };
}
