/** The server's record of one connected player. */
import type { ServerSession } from '../net/server.ts';
import type { Message } from '../protocol/messages.ts';
import type { SnapshotHistory } from '../replication/entity-baselines.ts';
import type { RateLimiter } from '../replication/rate-limiter.ts';
import type { Tick } from '../tick.ts';
import type { EntityState } from '../codec/entity-delta.ts';
import type { InputQueue } from './input-queue.ts';
import type { TickBucket } from './tick-bucket.ts';

/** Per-client replication figures. */
export interface ReplicationMetrics {
  /** Bytes sent by kind: entity updates and spawns, chunk data and unloads, section updates, player state, other. */
  bytes: { entity: number; chunk: number; diff: number; state: number; other: number };
  /** Columns sent whole. */
  chunksSent: number;
  /** Columns not sent because the client already had them (warm cache). */
  chunkCacheHits: number;
  /** Uncompressed bytes of the columns sent (sections x 8192), for the compression ratio. */
  chunkRawBytes: number;
  /** Milliseconds from subscribing a column to the client's ChunkAck, one per column. */
  chunkLoadMs: number[];
  /** Entity updates sent. */
  entityUpdates: number;
  /** The largest single message sent, bytes (frame included). */
  largestMessage: number;
  /** Messages that could not be sent (logged). */
  sendErrors: number;
  /** Replication ticks whose entity update was held back by the budget. */
  entityUpdatesDeferred: number;
  /** Replication ticks with nothing to send: the client already held everyone in its view as they were. */
  entityUpdatesQuiet: number;
  /** Columns re-sent whole because the client asked (ChunkResync). */
  resyncs: number;
  /** Block results that waited in the ordered queue (behind section updates, or for budget). */
  resultsQueued: number;
  /** Block actions answered as refused on arrival (late, too far ahead, flooded). */
  refusedOnArrival: number;
}

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
  /** The latest input-timing advice: its number (u16, wrapping) and ticks; sent on several ticks (`ADVICE_COPIES`). */
  advice: { seq: number; adjust: number };
  /** Newest entity-update tick the client acknowledged (0 = none). */
  ackTick: Tick;
  /** Entity states sent per tick (delta baselines). */
  entities: SnapshotHistory;
  /** Network ids of entities spawned on this client. */
  known: Set<number>;
  /** Column keys this client has (sent, or confirmed from its cache). */
  chunks: Set<number>;
  /** Ticks of its recent accepted edits (rate limiting). */
  editTicks: Tick[];
  /** Its bandwidth budget. */
  limiter: RateLimiter;
  /** The connection's byte counter when last accounted. */
  bytesSeen: number;
  /** Column key the player stood in at the last interest update (NaN before the first). */
  centre: number;
  /** Columns to send, nearest first. */
  chunkQueue: number[];
  /** When each queued column was subscribed (ms), for load times. */
  queuedAt: Map<number, number>;
  /** Checksums of the columns the client says it holds (null until its ChunkHave arrives). */
  cacheHints: Map<number, string> | null;
  /** When the player joined (ms): chunk streaming starts after ChunkHave, or a second after joining. */
  joinedAt: number;
  /**
   * The ordered queue of the chunk stream: section updates, and block results behind them, waiting for budget. A
   * whole column goes out only when it is empty.
   */
  pendingDiffs: Message[];
  /** Answers to block actions refused on arrival, as a token bucket (see refusal-answers.ts). */
  answerBudget: TickBucket;
  /** Resync requests (ChunkResync) served so far, as a token bucket: a burst, then a few per second. */
  resyncBudget: TickBucket;
  /** Column keys asked for again beyond the budget, oldest first, served as it refills. */
  resyncWaiting: number[];
  /** Entity priority accumulators by network id (who goes first when the budget is short). */
  priority: Map<number, number>;
  /** Ticks in `entities` whose update changed nothing (the client then held two equal snapshots of its view). */
  emptyUpdates: Set<Tick>;
  /** Its own state as last sent in OwnState (undefined before the first). */
  ownSent: EntityState | undefined;
  /** Figures. */
  metrics: ReplicationMetrics;
}
