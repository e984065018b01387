/**
 * What a block soak counts, per run: disconnects with their reasons, block results by outcome and refusal reason,
 * resyncs, and at the end the phantom cells (a client's view of the area differing from the server's). Used by
 * `stratum-voxel bench soak` and its short version on the loopback stepper.
 */
import type { EventBus } from '../engine/events.ts';
import type { ClientEvents } from '../engine/client/client-events.ts';
import type { GameClient } from '../engine/client/game-client.ts';
import { boxCell, type Box } from '../engine/server/area-blocks.ts';

/** The counts of a soak. */
export interface SoakTally {
  /** Clients whose connection ended, with why. */
  disconnects: { bot: string; kind: string; reason: string }[];
  /** Block actions confirmed by the server. */
  confirmed: number;
  /** Block actions refused, by reason. */
  refused: Record<string, number>;
  /** Columns a client asked for again, with why. */
  resyncs: { bot: string; cx: number; cz: number; reason: string }[];
}

/** A cell where a client's view differs from the server's. */
export interface Phantom {
  /** The client. */
  bot: string;
  /** Cell x. */
  x: number;
  /** Cell y. */
  y: number;
  /** Cell z. */
  z: number;
  /** Block id the client shows. */
  client: number;
  /** Block id the server has. */
  server: number;
}

/** Creates an empty tally. */
export function createSoakTally(): SoakTally {
  return { disconnects: [], confirmed: 0, refused: {}, resyncs: [] };
}

/** Counts what client `bot` reports on its bus. */
export function watchClient(tally: SoakTally, bot: string, bus: EventBus<ClientEvents>): void {
  bus.on('BlockResult', (r) => {
    if (r.ok) tally.confirmed++;
    else tally.refused[r.reason] = (tally.refused[r.reason] ?? 0) + 1;
  });
  bus.on('Resync', (r) => tally.resyncs.push({ bot, ...r }));
  bus.on('Disconnected', (d) => tally.disconnects.push({ bot, kind: d.kind, reason: d.reason }));
}

/** The cells of `box` where `client` (a view read with readBox) differs from `server`. */
export function phantomCells(bot: string, box: Box, client: Uint16Array, server: Uint16Array): Phantom[] {
  const out: Phantom[] = [];
  for (let i = 0; i < server.length; i++) {
    if (client[i] === server[i]) continue;
    const [x, y, z] = boxCell(box, i);
    out.push({ bot, x, y, z, client: client[i], server: server[i] });
  }
  return out;
}

/** Sums of the clients' own counters. */
export function clientTotals(clients: readonly GameClient[]) {
  const sum = (f: (c: GameClient) => number) => clients.reduce((a, c) => a + f(c), 0);
  return {
    actions: sum((c) => c.stats.actions), confirmed: sum((c) => c.stats.confirmed), refused: sum((c) => c.stats.refused),
    unanswered: sum((c) => c.stats.unanswered), resyncs: sum((c) => c.stats.resyncs), pending: sum((c) => c.pending.size),
  };
}

/** One line of refusal counts, largest first: `into-player 120, occupied 80, ...`. */
export function formatRefused(refused: Record<string, number>): string {
  const rows = Object.entries(refused).sort((a, b) => b[1] - a[1]);
  return rows.length ? rows.map(([k, v]) => `${k} ${v}`).join(', ') : 'none';
}
