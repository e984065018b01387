/**
 * One client stream as the gateway relays it (bridge-gateway.ts), and what the gateway follows of the frames shards
 * write on it, so that a lost shard's streams are continued by the next shard only when they stand between frames.
 */
import type { StreamKind, TransportStream } from '../net/transport.ts';
import type { FrameCutter } from './frame-cutter.ts';
import type { FrameScanner } from './frame-scanner.ts';
import type { ReplayLog } from './replay-log.ts';

/** One client stream as the gateway relays it. */
export interface GatewayStream {
  /** The client's stream; unset while a shard's new stream waits for its first byte (which picks the stream). */
  stream?: TransportStream;
  /** Its kind. */
  kind: StreamKind;
  /** True when the client opened it (its id then stays the same across moves). */
  byClient: boolean;
  /** Its id on the current shard; unset while it waits for the new shard to continue it after a move. */
  id?: number;
  /** Bytes written to the client's stream and not yet acknowledged to the shard. */
  unacked: number;
  /** The shard finished writing. */
  peerEnded: boolean;
  /** The client finished writing. */
  clientEnded: boolean;
  /** Cuts what the client writes at frame boundaries (streams the client writes on). */
  cutter?: FrameCutter;
  /** The header byte the shard wrote first (streams a shard opened). */
  header?: number;
  /** Follows the frames shards write to the client on it (streams shards write on), to re-attach only between frames. */
  fromShard?: FrameScanner;
  /** What was sent to the current shard and not confirmed (streams the client opened and writes on). */
  log?: ReplayLog;
  /** The client's header byte went out (streams the client opened). */
  headerSent?: boolean;
}

/** Stands for a stream whose shard-written framing was refused: it is never between frames. */
const NEVER_WHOLE: FrameScanner = { header: undefined, atBoundary: false, scan: () => -1 };

/** Follows what a shard wrote to the client on `s`; a framing the scanner refuses marks it as never whole. */
export function followShardFrames(s: GatewayStream, bytes: Uint8Array): void {
  try {
    s.fromShard?.scan(bytes);
  } catch {
    s.fromShard = NEVER_WHOLE;
  }
}

/** The first stream on which the shard left the client in the middle of a frame, if any (a re-attach would garble it). */
export function cutStream(streams: Map<number, GatewayStream>): number | undefined {
  for (const [id, s] of streams) if (s.stream && s.fromShard && !s.peerEnded && !s.fromShard.atBoundary) return id;
  return undefined;
}
