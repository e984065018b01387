/**
 * The channels of a connection (docs/architecture.md, "Channels"; Control carries the handshake and heartbeats):
 * their wire ids, what carries each one, who opens it, and which messages each direction may send on it. A valid
 * message on the wrong channel is a protocol error.
 */
import type { Message } from '../protocol/messages.ts';
import { MsgType } from '../protocol/messages.ts';

/**
 * Channel ids. For streams the id is the first byte the opener writes (the stream header); datagram channels are
 * known by direction (client -> server datagrams are Input, server -> client are EntityDelta). Never renumber.
 */
export const Channel = {
  /** Bidirectional stream opened first by the client: Hello/Welcome/Reject, heartbeats, ChunkAck/Have/Resync, MessageRefused, Disconnect. */
  Control: 0,
  /** Client -> server datagrams: InputBundle (stale sequence numbers dropped). */
  Input: 1,
  /** Server -> client unidirectional stream: chunks, entity spawns/despawns, block results, own hotbar (reliable, ordered). */
  ChunkStream: 2,
  /** Server -> client datagrams: EntityDelta (stale ticks dropped), ServerState, TimeSync, PlayerState. */
  EntityDelta: 3,
  /** Bidirectional stream opened by the client: chat both ways. */
  Chat: 4,
  /** Bidirectional stream opened by the client: admin commands (token required) and their answers. */
  Diagnostics: 5,
} as const;
/** A {@link Channel} id. */
export type Channel = (typeof Channel)[keyof typeof Channel];

/** How a channel is carried. */
export type Carrier = 'datagram-c2s' | 'datagram-s2c' | 'uni-s2c' | 'bidi';

/** Static facts about one channel. */
export interface ChannelInfo {
  /** Channel id. */
  id: Channel;
  /** Name for logs. */
  name: string;
  /** What carries it. */
  carrier: Carrier;
  /** Message types the client may send on it. */
  fromClient: readonly number[];
  /** Message types the server may send on it. */
  fromServer: readonly number[];
  /** Where a Pong answers a Ping received on this channel (a uni stream cannot answer on itself). */
  pongOn: { client: Channel; server: Channel };
}

const PP = [MsgType.Ping, MsgType.Pong];
const T = MsgType;

/** Every channel, indexed by id. */
export const CHANNELS: readonly ChannelInfo[] = [
  { id: Channel.Control, name: 'control', carrier: 'bidi', fromClient: [T.Hello, T.ChunkAck, T.ChunkHave, T.ChunkResync, T.Disconnect, T.MessageRefused, ...PP], fromServer: [T.Welcome, T.Reject, T.Disconnect, T.MessageRefused, ...PP], pongOn: { client: Channel.Control, server: Channel.Control } },
  { id: Channel.Input, name: 'input', carrier: 'datagram-c2s', fromClient: [T.Hello, T.InputBundle, ...PP], fromServer: [], pongOn: { client: Channel.Input, server: Channel.EntityDelta } },
  { id: Channel.ChunkStream, name: 'chunk', carrier: 'uni-s2c', fromClient: [], fromServer: [T.ChunkData, T.ChunkDiff, T.ChunkUnload, T.EntitySpawn, T.EntityDespawn, T.BlockResult, T.InventoryState, T.OwnState, T.ActionResult, ...PP], pongOn: { client: Channel.Control, server: Channel.ChunkStream } },
  { id: Channel.EntityDelta, name: 'entity', carrier: 'datagram-s2c', fromClient: [], fromServer: [T.Welcome, T.EntityDelta, T.ServerState, T.TimeSync, T.PlayerState, ...PP], pongOn: { client: Channel.Input, server: Channel.EntityDelta } },
  { id: Channel.Chat, name: 'chat', carrier: 'bidi', fromClient: [T.ClientChat, ...PP], fromServer: [T.ServerChat, ...PP], pongOn: { client: Channel.Chat, server: Channel.Chat } },
  { id: Channel.Diagnostics, name: 'diagnostics', carrier: 'bidi', fromClient: [T.DiagnosticsRequest, ...PP], fromServer: [T.DiagnosticsResponse, ...PP], pongOn: { client: Channel.Diagnostics, server: Channel.Diagnostics } },
];

/** Channels the client opens as bidirectional streams right after connecting, in this order. */
export const CLIENT_BIDI_CHANNELS: readonly Channel[] = [Channel.Control, Channel.Chat, Channel.Diagnostics];

/** True when `from` may send `msg` on `channel`. */
export function allowedOn(channel: Channel, from: 'client' | 'server', msg: Message): boolean {
  const info = CHANNELS[channel];
  return (from === 'client' ? info.fromClient : info.fromServer).includes(msg.type);
}

/** The channel a side sends datagrams on. */
export function datagramChannel(from: 'client' | 'server'): Channel {
  return from === 'client' ? Channel.Input : Channel.EntityDelta;
}

/**
 * The handshake travels twice: Hello and Welcome go on the Control stream and, as a copy, in a datagram on the
 * sender's datagram channel, so that one lost packet does not hold the join up for a retransmission (a round trip
 * or more). The receiver acts on whichever copy comes first and ignores the other, once; any further Hello or Welcome
 * is still a protocol error. Over a transport with reliable datagrams the copy simply arrives second.
 */
export interface HandshakeCopies {
  /** Records that the handshake message sent by `from` was taken from `channel`. */
  took(channel: Channel, from: 'client' | 'server'): void;
  /** True, once, when a message on `channel` is the other copy of the one taken. */
  isCopy(channel: Channel): boolean;
}

/** Creates a {@link HandshakeCopies} for one side of one connection. */
export function createHandshakeCopies(): HandshakeCopies {
  let other: Channel | undefined;
  return {
    took(channel, from) {
      other = channel === Channel.Control ? datagramChannel(from) : Channel.Control;
    },
    isCopy(channel) {
      if (channel !== other) return false;
      other = undefined;
      return true;
    },
  };
}

/**
 * Drops stale datagrams: InputBundles whose `seq` is not above the last seen, EntityDeltas whose `tick` is not above
 * the last seen. Other messages pass. One filter per connection and direction.
 */
export interface StaleFilter {
  /** True if `msg` should be delivered. */
  accept(msg: Message): boolean;
  /** Messages dropped as stale so far. */
  readonly dropped: number;
}

/** Creates an empty {@link StaleFilter}. */
export function createStaleFilter(): StaleFilter {
  let lastSeq = -1;
  let lastTick = -1;
  let dropped = 0;
  return {
    get dropped() { return dropped; },
    accept(msg) {
      if (msg.type === MsgType.InputBundle) {
        if (msg.seq <= lastSeq) { dropped++; return false; }
        lastSeq = msg.seq;
      } else if (msg.type === MsgType.EntityDelta) {
        if (msg.tick <= lastTick) { dropped++; return false; }
        lastTick = msg.tick;
      }
      return true;
    },
  };
}
