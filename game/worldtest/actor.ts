/**
 * A scripted world-test player: builds, breaks or walks as its current phase says, through the same input path a
 * person uses (one block action per tick at most, facing set from the direction of travel).
 */
import { BlockActionKind, Button, radiansToYawStep, type PlayerInput } from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';

/** What the actor is doing now. */
export type ActorTask =
  | { kind: 'idle' }
  | { kind: 'build' | 'break'; blocks: [number, number, number][]; next: number; waitingTick: number; done: boolean; failures: string[] }
  | { kind: 'walk'; path: [number, number][]; next: number; done: boolean };

/** A scripted player. */
export interface Actor {
  /** Current task; set by the runner between phases. */
  task: ActorTask;
  /** The input function to give the GameClient. */
  input: (client: GameClient) => Omit<PlayerInput, 'tick'>;
  /** Records the server's answer to a block action (from the client's BlockResult events). */
  result(tick: number, ok: boolean, reason: string): void;
  /** The block actions the server acknowledged (BlockResult ok), in order: place or break at (x, y, z). */
  readonly acknowledged: Array<{ kind: 'build' | 'break'; x: number; y: number; z: number }>;
}

/** Ticks between two block actions of a build or break phase. */
const ACTION_EVERY = 4;
/** Ticks without an answer after which a block action is sent again. */
const RETRY_AFTER = 40;

/** Creates an idle actor. */
export function createActor(): Actor {
  const idle = { buttons: 0, yaw: 0, pitch: 0 };
  const actor: Actor = {
    task: { kind: 'idle' },
    acknowledged: [],
    input(client) {
      const t = actor.task;
      const body = client.predictor?.body;
      if (!body || t.kind === 'idle' || t.done) return idle;
      if (t.kind === 'walk') {
        const [tx, tz] = t.path[t.next];
        const dx = tx - body.x, dz = tz - body.z;
        if (Math.hypot(dx, dz) < 0.4) {
          t.next++;
          if (t.next >= t.path.length) t.done = true;
          return idle;
        }
        // Yaw 0 faces +z and turns towards -x: forward = (-sin, cos).
        return { buttons: Button.Forward, yaw: radiansToYawStep(Math.atan2(-dx, dz)), pitch: 0 };
      }
      // An action whose input was lost never gets an answer: try it again after a while.
      if (t.waitingTick >= 0 && client.tick - t.waitingTick > RETRY_AFTER) t.waitingTick = -1;
      if (t.waitingTick >= 0 || client.tick % ACTION_EVERY) return idle;
      const [x, y, z] = t.blocks[t.next];
      t.waitingTick = client.tick;
      return t.kind === 'build'
        ? { ...idle, block: { kind: BlockActionKind.Place, x, y: y - 1, z, face: 3 } }
        : { ...idle, block: { kind: BlockActionKind.Break, x, y, z, face: 3 } };
    },
    result(tick, ok, reason) {
      const t = actor.task;
      if ((t.kind !== 'build' && t.kind !== 'break') || tick !== t.waitingTick) return;
      // Refused before it ran (late, too far ahead, queue full): not the rules' answer; try again.
      if (!ok && (reason === 'late' || reason === 'too-far' || reason === 'flooded')) { t.waitingTick = -1; return; }
      const [x, y, z] = t.blocks[t.next];
      if (ok) actor.acknowledged.push({ kind: t.kind, x, y, z });
      else t.failures.push(`${t.kind} (${x}, ${y}, ${z}): ${reason}`);
      t.waitingTick = -1;
      t.next++;
      if (t.next >= t.blocks.length) t.done = true;
    },
  };
  return actor;
}
