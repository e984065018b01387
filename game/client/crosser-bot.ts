/**
 * A crossing bot, for the cluster bench: it sprints along x from +span to -span blocks and back, without stopping, so
 * that it crosses x = 0 (the border between region columns -1 and 0, which the cluster's shards hold in stripes of
 * region x) once every 2 span blocks. It jumps when blocked. It reads only the client's predicted body.
 */
import { Button, YAW_STEPS, type PlayerInput } from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';

/** Yaw facing +x (yaw 0 faces +z, and yaw grows towards -x). */
const EAST = (YAW_STEPS * 3) / 4;
/** Yaw facing -x. */
const WEST = YAW_STEPS / 4;

/**
 * The input function of a crosser between x = -span and x = +span blocks; it sets off towards +x, or towards -x when
 * `eastFirst` is false (crossers that start together then cross at different times).
 */
export function crosserBot(span: number, eastFirst = true): (client: Pick<GameClient, 'predictor' | 'localEid'>) => Omit<PlayerInput, 'tick'> {
  if (!(span > 0)) throw new RangeError(`span must be > 0 blocks, got ${span}`);
  let east = eastFirst;
  return (c) => {
    const body = c.predictor?.body;
    if (!body || !c.localEid) return { buttons: 0, yaw: 0, pitch: 0 };
    if (east && body.x >= span) east = false;
    else if (!east && body.x <= -span) east = true;
    let buttons = Button.Forward | Button.Sprint;
    if (body.onGround && Math.abs(body.vx) + Math.abs(body.vz) < 0.5) buttons |= Button.Jump;
    return { buttons, yaw: east ? EAST : WEST, pitch: 0 };
  };
}
