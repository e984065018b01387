/** The server's record of one connected player. */
import type { ServerSession } from '../../engine/net/server.ts';
import type { SnapshotHistory } from '../../engine/replication/entity-baselines.ts';
import type { Tick } from '../../engine/tick.ts';
import type { InputQueue } from './input-queue.ts';

/** One connected player. */
export interface ServerPlayer {
  /** Its network session. */
  session: ServerSession;
  /** Its entity. */
  eid: number;
  /** Its entity's network id. */
  netId: number;
  /** Inputs waiting for their tick. */
  queue: InputQueue;
  /** Newest entity-update tick the client acknowledged (0 = none). */
  ackTick: Tick;
  /** Entity states sent per tick (delta baselines). */
  entities: SnapshotHistory;
  /** Network ids of entities spawned on this client. */
  known: Set<number>;
  /** Column keys this client has. */
  chunks: Set<number>;
  /** Ticks of its recent accepted edits (rate limiting). */
  editTicks: Tick[];
}
