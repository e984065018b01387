/**
 * The game's own admin commands besides the sky's: `fill x0 y0 z0 x1 y1 z1 <block id or name>` sets every block of
 * a box (at most {@link MAX_FILL} of them) as server edits: applied, stored and replicated like a player's (tests
 * build rooms with it; admins repair). Bad input is refused with a message naming the argument and its range.
 */
import type { DiagnosticsHandler, GameServer } from '../../engine/server.ts';

/** Most blocks one `fill` sets. */
export const MAX_FILL = 32768;

/** The commands, and how to bind them to their server (call `attach` right after createGameServer). */
export interface AdminCommands {
  /** createGameServer `commands` (spread them with the sky's). */
  readonly commands: Readonly<Record<string, DiagnosticsHandler>>;
  /** Binds the commands to their server. */
  attach(server: GameServer): void;
}

/** Parses and runs `fill` on `server`; returns what it did, throws a RangeError naming what is wrong. */
export function fillCommand(server: GameServer, args: readonly string[]): string {
  const usage = `usage: fill x0 y0 z0 x1 y1 z1 <block id or name> (at most ${MAX_FILL} blocks)`;
  if (args.length !== 7) throw new RangeError(`fill: 7 arguments expected, got ${args.length}; ${usage}`);
  const names = ['x0', 'y0', 'z0', 'x1', 'y1', 'z1'];
  const n = args.slice(0, 6).map((a, i) => {
    if (!/^-?\d+$/.test(a)) throw new RangeError(`fill: ${names[i]} must be an integer, got '${a.slice(0, 32)}'; ${usage}`);
    return Number(a);
  });
  const { defs: blocks, byName } = server.world.voxels.blocks;
  const b = args[6];
  const id = /^\d+$/.test(b) ? Number(b) : (byName.get(b) ?? -1);
  if (!(id >= 0 && id < blocks.length && blocks[id])) {
    throw new RangeError(`fill: block must be an id in 0..${blocks.length - 1} or a block name, got '${b.slice(0, 32)}'`);
  }
  const [x0, x1] = [Math.min(n[0], n[3]), Math.max(n[0], n[3])];
  const [y0, y1] = [Math.min(n[1], n[4]), Math.max(n[1], n[4])];
  const [z0, z1] = [Math.min(n[2], n[5]), Math.max(n[2], n[5])];
  const count = (x1 - x0 + 1) * (y1 - y0 + 1) * (z1 - z0 + 1);
  if (count > MAX_FILL) throw new RangeError(`fill: ${count} blocks; a fill sets 1..${MAX_FILL}`);
  let set = 0;
  for (let y = y0; y <= y1; y++) {
    for (let z = z0; z <= z1; z++) {
      for (let x = x0; x <= x1; x++) {
        try { server.editBlock(x, y, z, id); set++; } catch (err) { throw new RangeError(`fill: (${x}, ${y}, ${z}): ${(err as Error).message}`); }
      }
    }
  }
  return `filled ${set} blocks with ${blocks[id]!.name}`;
}

/** Creates the game's admin commands. */
export function createAdminCommands(): AdminCommands {
  let server: GameServer | undefined;
  return {
    commands: {
      fill: (_s, _c, args) => {
        if (!server) throw new Error('fill: not attached to a server');
        return fillCommand(server, args);
      },
    },
    attach(s) { server = s; },
  };
}
