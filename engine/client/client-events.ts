/** Events a game client puts on its bus: the network lifecycle plus what it applies and predicts. */
import type { NetClientEvents } from '../net/client.ts';
import type { ReconciliationEvent } from '../prediction/predictor.ts';
import type { Tick } from '../tick.ts';

/** Every event of a GameClient. */
export interface ClientEvents extends NetClientEvents {
  /** The prediction for a tick was wrong; the client rewound and replayed. */
  ReconciliationEvent: ReconciliationEvent;
  /** A chunk column was decoded and stored. */
  ChunkLoaded: { cx: number; cz: number; checksum: string };
  /** Something about a column could not be applied (`reason`): the client asked the server for it again. */
  Resync: { cx: number; cz: number; reason: string };
  /** A chunk column was dropped. */
  ChunkUnloaded: { cx: number; cz: number };
  /** A block changed in the client's world by a server update (not by the client's own prediction). */
  BlockChanged: { x: number; y: number; z: number; block: number; prev: number };
  /** The server answered one of this client's block actions: (x, y, z) now holds `block` on the server. */
  BlockResult: { tick: Tick; ok: boolean; reason: string; x: number; y: number; z: number; block: number };
  /** The server answered one of this client's game actions (a refused one has been rolled back). */
  ActionResult: { tick: Tick; action: number; name: string; ok: boolean; reason: string };
  /** A remote entity appeared. */
  EntitySpawned: { id: number; kind: number };
  /** A remote entity left. */
  EntityDespawned: { id: number };
  /** A chat line. */
  Chat: { from: string; text: string };
  /**
   * The server's answer to an admin command this client sent (a DiagnosticsRequest on the Diagnostics channel with
   * the admin token: `client.net.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id, token, command, args })`).
   */
  DiagnosticsResponse: { id: number; ok: boolean; text: string };
  /** The server refused a user message this client sent (bad payload, wrong direction or channel). */
  MessageRefused: { type: number; name: string; reason: string };
}
