/**
 * A headless game client joining a running server process the way a bot does: it reads `/connect.json` at the page
 * URL, then connects over WebTransport with the certificate hash pinned. And `until`, to wait on a condition.
 */
import { createEventBus } from '../../engine/events.ts';
import { hexToBytes } from '../../engine/hash.ts';
import type { PlayerInput } from '../../engine/input.ts';
import { createRealtimeScheduler } from '../../engine/net/scheduler.ts';
import { nodeWebTransportConnector } from '../../engine/platform/node/webtransport.ts';
import { createRng } from '../../engine/rng.ts';
import type { ClientEvents } from '../../engine/client/client-events.ts';
import { createGameClient, type GameClient } from '../../engine/client/game-client.ts';
import { fetchConnectInfo } from '../../game/commands/bot.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';
import { loadCodecDeps } from './codec-deps.ts';

/** Joins the server whose page is at `url` as `name`, driven by `input`; started, not yet connected. */
export async function joinClient(url: string, input: (c: GameClient) => Omit<PlayerInput, 'tick'>, name = 'builder') {
  const codec = (await loadCodecDeps()).node;
  const info = await fetchConnectInfo(url);
  const certHash = hexToBytes(info.certHashHex);
  const bus = createEventBus<ClientEvents>();
  const client = createGameClient({
    connect: await nodeWebTransportConnector({ url: info.webTransportUrl, certHash }), protocol: GAME_PROTOCOL,
    scheduler: createRealtimeScheduler(), rng: createRng(1), codec, name, input, bus, reconnect: false,
  });
  client.start();
  return { client, bus };
}

/** Resolves once `cond` holds (polled every 25 ms); rejects naming `what` after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
