/**
 * Every message of the Stratum protocol: numeric type ids (explicit, never reordered), the TypeScript shape of each
 * message, and which direction carries it. Client and server both import this file; `SPEC.md` beside it documents
 * the wire format. Field order on the wire is given by `schema.ts`.
 */
import type { PlayerInput } from '../input.ts';
import type { Tick } from '../tick.ts';

/** `PROTOCOL_MAGIC`: the first field of Hello, "STRM" as a big-endian u32. */
export const PROTOCOL_MAGIC = 0x5354524d;

/**
 * Bumped on any incompatible change that the schema hash would not show (e.g. a changed meaning). 5: the schema hash
 * covers a whole protocol definition (blocks, components, entity kinds, messages, actions; define.ts) rather than
 * the message schemas alone, and Hello carries each section's hash so that a refusal names the sections that differ.
 * 6: entity state fields come from the protocol definition's entity layout (replication/entity-layout.ts), any
 * entity with a registered kind replicates, and OwnState carries a player's own component values.
 * 7: InputBundle inputs carry a game's predicted actions (`delta-v2`), answered by ActionResult.
 * 8: the protocol definition gains the `items` and `recipes` sections (seven section hashes), and the own layout
 * (OwnState) may carry up to 255 fields.
 * 9: Hello and Welcome are sent twice, the copy in a datagram; ServerState numbers its timing advice (`adviceSeq`).
 */
export const PROTOCOL_VERSION = 9;

/** Message type ids. Each fits in one byte and is also a msgpack positive fixint (1..127). */
export const MsgType = {
  // 0: reserved; a zero type byte is always a protocol error.
  // 1..15: connection control, both directions.
  /** Client -> server, first message on the control stream. */
  Hello: 1,
  /** Server -> client: the handshake succeeded. */
  Welcome: 2,
  /** Server -> client: the handshake failed; the session closes after it. */
  Reject: 3,
  /** Either side: echo request (heartbeat and RTT probe); allowed on every channel. */
  Ping: 4,
  /** Either side: answer to a Ping with the same nonce; allowed on every channel. */
  Pong: 5,
  /** Either side: a polite close with a reason. */
  Disconnect: 6,
  /** Either side: a user message it received was refused (bad payload, wrong direction or channel); the session stays. */
  MessageRefused: 7,
  // 16..63: client -> server.
  /** Inputs of recent ticks (datagram, Input channel). */
  InputBundle: 16,
  /** A chat line from the player (Chat channel). */
  ClientChat: 17,
  /** An admin command (Diagnostics channel). */
  DiagnosticsRequest: 18,
  /** The client has applied a chunk (control stream). */
  ChunkAck: 19,
  /** Columns the client already holds, with their checksums, sent once after Welcome (control stream). */
  ChunkHave: 20,
  /** The client cannot apply a column's updates and asks for the column again, whole (control stream). */
  ChunkResync: 21,
  // 64..127: server -> client.
  /** A whole chunk column (ChunkStream). */
  ChunkData: 64,
  /** Changes to one 16^3 section (ChunkStream). */
  ChunkDiff: 65,
  /** The client may forget a chunk column (ChunkStream). */
  ChunkUnload: 66,
  /** An entity enters the client's interest set (ChunkStream: reliable). */
  EntitySpawn: 67,
  /** Entity state delta against an acknowledged baseline (datagram, EntityDelta channel). */
  EntityDelta: 68,
  /** An entity leaves the client's interest set (ChunkStream). */
  EntityDespawn: 69,
  /** A chat line for the player (Chat channel). */
  ServerChat: 70,
  /** Server status and input-timing advice (datagram, EntityDelta channel). */
  ServerState: 71,
  /** Server clock for client tick alignment (datagram, EntityDelta channel). */
  TimeSync: 72,
  /** The answer to a DiagnosticsRequest (Diagnostics channel). */
  DiagnosticsResponse: 73,
  /** The player's own authoritative body after a tick, for reconciliation (datagram, EntityDelta channel). */
  PlayerState: 74,
  /** The outcome of the player's block action: confirmed or refused with a reason (ChunkStream). */
  BlockResult: 75,
  /** The player's own hotbar as the server holds it; sent when the player spawns: its starting kit (ChunkStream). */
  InventoryState: 76,
  /** The player's own replicated component values (audience owner or all) that changed (ChunkStream). */
  OwnState: 77,
  /** The outcome of one of the player's predicted game actions: confirmed or refused with a reason (ChunkStream). */
  ActionResult: 78,
} as const;
/** A {@link MsgType} value. */
export type MsgType = (typeof MsgType)[keyof typeof MsgType];

/** Client -> server handshake. */
export interface Hello {
  /** Discriminant: `MsgType.Hello` (1). */
  type: 1;
  /** Must equal {@link PROTOCOL_MAGIC}. */
  magic: number;
  /** The client's {@link PROTOCOL_VERSION}. */
  version: number;
  /** The client's schema hash (of its whole protocol definition), 16 hex digits. */
  schemaHash: string;
  /** Display name the player asks for. */
  name: string;
  /** The hash of each section of the client's definition, in canonical.ts PROTOCOL_SECTIONS order. */
  sectionHashes: string[];
}
/** Server -> client: accepted. */
export interface Welcome {
  /** Discriminant: `MsgType.Welcome` (2). */
  type: 2;
  /** The server's protocol version. */
  version: number;
  /** The server's schema hash. */
  schemaHash: string;
  /** Id the server gave this session. */
  sessionId: number;
  /** The server's current tick. */
  serverTick: Tick;
  /** Server ticks per second. */
  tickHz: number;
}
/** Server -> client: refused; names the server's values so the client can report both sides. */
export interface Reject {
  /** Discriminant: `MsgType.Reject` (3). */
  type: 3;
  /** Human-readable reason naming both sides' values. */
  reason: string;
  /** The server's magic. */
  magic: number;
  /** The server's protocol version. */
  version: number;
  /** The server's schema hash. */
  schemaHash: string;
}
/** Echo request. */
export interface Ping {
  /** Discriminant: `MsgType.Ping` (4). */
  type: 4;
  /** Echoed back in the Pong. */
  nonce: number;
  /** Sender's clock in ms when sent (only the sender interprets it). */
  sentMs: number;
}
/** Echo answer. */
export interface Pong {
  /** Discriminant: `MsgType.Pong` (5). */
  type: 5;
  /** The Ping's nonce. */
  nonce: number;
  /** The Ping's `sentMs`, unchanged. */
  sentMs: number;
}
/** Polite close. */
export interface Disconnect {
  /** Discriminant: `MsgType.Disconnect` (6). */
  type: 6;
  /** Why. */
  reason: string;
}
/**
 * A user message (type 128..65535) was refused by the receiver and dropped: its payload does not match the declared
 * fields, or it came from a side or on a channel its declaration does not allow. The session stays open (unless the
 * sender floods: refused messages count against the same budget).
 */
export interface MessageRefused {
  /** Discriminant: `MsgType.MessageRefused` (7). */
  type: 7;
  /** The refused message's type id. */
  refusedType: number;
  /** Why, e.g. `bad-payload: UseItem.slot: expected u8`. */
  reason: string;
}
/** Recent inputs; the newest is for `clientTick`, the others repeat earlier ticks for loss tolerance. */
export interface InputBundle {
  /** Discriminant: `MsgType.InputBundle` (16). */
  type: 16;
  /** Tick of the newest input. */
  clientTick: Tick;
  /** Bundle sequence number, +1 per bundle; the server drops bundles not newer than the last it saw. */
  seq: number;
  /** The newest server tick the client has received. */
  ackTick: Tick;
  /** Inputs for consecutive ticks, oldest first, ending at `clientTick` (1..8 of them). */
  inputs: PlayerInput[];
}
/** Chat from the player. */
export interface ClientChat {
  /** Discriminant: `MsgType.ClientChat` (17). */
  type: 17;
  /** The line, at most 256 characters. */
  text: string;
}
/** Admin command. */
export interface DiagnosticsRequest {
  /** Discriminant: `MsgType.DiagnosticsRequest` (18). */
  type: 18;
  /** Request id, echoed in the response. */
  id: number;
  /** The admin token; a wrong token refuses the command. */
  token: string;
  /** Command name (e.g. "status", "sessions", "kick"). */
  command: string;
  /** Arguments. */
  args: string[];
}
/** Chunk applied by the client. */
export interface ChunkAck {
  /** Discriminant: `MsgType.ChunkAck` (19). */
  type: 19;
  /** Chunk column x. */
  cx: number;
  /** Chunk column z. */
  cz: number;
}
/**
 * Columns the client already holds (a warm cache, e.g. after a reconnect): the server does not send a column whose
 * current checksum matches. Sent once, right after Welcome; the server streams chunks only after it (or a timeout).
 */
export interface ChunkHave {
  /** Discriminant: `MsgType.ChunkHave` (20). */
  type: 20;
  /** Column coordinates, flattened: cx0, cz0, cx1, cz1, ... */
  columns: number[];
  /** The checksum of each column (chunk codec definition), 16 hex digits, in the same order. */
  checksums: string[];
}
/**
 * The client could not apply something about column (cx, cz) (a section update whose checksum does not match, a
 * column that does not decode): it drops the column's updates until the server sends the column again, whole. The
 * server answers within a per-session budget (see SPEC.md); a column outside the client's view is ignored.
 */
export interface ChunkResync {
  /** Discriminant: `MsgType.ChunkResync` (21). */
  type: 21;
  /** Chunk column x. */
  cx: number;
  /** Chunk column z. */
  cz: number;
}
/** A whole chunk column. */
export interface ChunkData {
  /** Discriminant: `MsgType.ChunkData` (64). */
  type: 64;
  /** Chunk column x. */
  cx: number;
  /** Chunk column z. */
  cz: number;
  /** xxhash64 of the decoded column, 16 hex digits. */
  checksum: string;
  /** Encoded column (chunk codec bytes). */
  data: Uint8Array;
}
/** Changes to one section. */
export interface ChunkDiff {
  /** Discriminant: `MsgType.ChunkDiff` (65). */
  type: 65;
  /** Section x. */
  cx: number;
  /** Section y. */
  cy: number;
  /** Section z. */
  cz: number;
  /** Encoded diff bytes. */
  data: Uint8Array;
}
/** Forget a chunk column. */
export interface ChunkUnload {
  /** Discriminant: `MsgType.ChunkUnload` (66). */
  type: 66;
  /** Chunk column x. */
  cx: number;
  /** Chunk column z. */
  cz: number;
}
/** An entity appears. */
export interface EntitySpawn {
  /** Discriminant: `MsgType.EntitySpawn` (67). */
  type: 67;
  /** Network entity id. */
  entity: number;
  /** Entity kind id. */
  kind: number;
  /** Encoded initial state. */
  data: Uint8Array;
  /** Display name (a player's Hello name; empty when it has none). */
  name: string;
}
/** Entity state delta. */
export interface EntityDelta {
  /** Discriminant: `MsgType.EntityDelta` (68). */
  type: 68;
  /** Server tick of this state; older or equal ticks than the last received are dropped. */
  tick: Tick;
  /** Tick of the baseline the delta is against (0 = none). */
  baselineTick: Tick;
  /** Encoded delta bytes. */
  data: Uint8Array;
}
/** An entity disappears. */
export interface EntityDespawn {
  /** Discriminant: `MsgType.EntityDespawn` (69). */
  type: 69;
  /** Network entity id. */
  entity: number;
}
/** Chat for the player. */
export interface ServerChat {
  /** Discriminant: `MsgType.ServerChat` (70). */
  type: 70;
  /** Sender name ("" for the server). */
  from: string;
  /** The line. */
  text: string;
}
/** Server status. */
export interface ServerState {
  /** Discriminant: `MsgType.ServerState` (71). */
  type: 71;
  /** Server tick. */
  tick: Tick;
  /** Players online. */
  players: number;
  /**
   * Input timing advice in ticks: positive, the client's inputs arrive with too little margin and it should run that
   * many ticks further ahead; negative, they arrive needlessly early; 0, fine.
   */
  adjust: number;
  /**
   * The advice's number (u16, wrapping). Each advice is sent on several consecutive ticks, as datagrams may be lost;
   * the client applies each number once.
   */
  adviceSeq: number;
}
/** Server clock sample. */
export interface TimeSync {
  /** Discriminant: `MsgType.TimeSync` (72). */
  type: 72;
  /** Server tick now. */
  serverTick: Tick;
  /** Client clock echoed from its last Ping (ms), for RTT. */
  clientMs: number;
}
/** Answer to a DiagnosticsRequest. */
export interface DiagnosticsResponse {
  /** Discriminant: `MsgType.DiagnosticsResponse` (73). */
  type: 73;
  /** The request id. */
  id: number;
  /** False when refused or failed. */
  ok: boolean;
  /** Output or the refusal reason. */
  text: string;
}

/** The player's own body after server tick `tick` (which applied the player's input for that tick). */
export interface PlayerState {
  /** Discriminant: `MsgType.PlayerState` (74). */
  type: 74;
  /** Server tick whose result this is. */
  tick: Tick;
  /** Feet x, blocks (a float32 value, sent exactly). */
  x: number;
  /** Feet y, blocks. */
  y: number;
  /** Feet z, blocks. */
  z: number;
  /** Velocity x, blocks per second. */
  vx: number;
  /** Velocity y, blocks per second. */
  vy: number;
  /** Velocity z, blocks per second. */
  vz: number;
  /** Standing on the ground. */
  onGround: boolean;
}
/** The outcome of a game action (protocol definition `actions`, id 16..255) the player sent with its input for `tick`. */
export interface ActionResult {
  /** Discriminant: `MsgType.ActionResult` (78). */
  type: 78;
  /** The tick of the input that carried the action. */
  tick: Tick;
  /** The action's id. */
  action: number;
  /** Its position among that input's actions, 0.. (an input carries up to 4). */
  index: number;
  /** True when applied. */
  ok: boolean;
  /** Refusal reason ('' when ok): the action's own, or `unknown-action`, `bad-payload: ...`, `late`, `too-far`, `flooded`. */
  reason: string;
}

/** The outcome of a block action the player sent with its input for `tick`. */
export interface BlockResult {
  /** Discriminant: `MsgType.BlockResult` (75). */
  type: 75;
  /** The tick of the input that carried the action. */
  tick: Tick;
  /** True when applied. */
  ok: boolean;
  /** The changed block's x (the placed position for a place), or the target's when refused. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** The block id now at (x, y, z). */
  block: number;
  /** Refusal reason code ('' when ok). */
  reason: string;
}

/**
 * The player's own hotbar as the server holds it at the start of tick `tick`. Sent to the owner only, when its
 * player spawns, so the client predicts with the kit the server chose; the client then predicts its own changes.
 */
export interface InventoryState {
  /** Discriminant: `MsgType.InventoryState` (76). */
  type: 76;
  /** The server tick the hotbar is as of (before that tick runs). */
  tick: Tick;
  /** Selected slot, 0..8. */
  selected: number;
  /** Block id in each slot, slot 0 first (0 = empty); 9 entries. */
  items: number[];
  /** Items in each slot, 0..64; 9 entries. */
  counts: number[];
}

/**
 * The values of the player's own components that changed since the last OwnState, as of the start of tick `tick`:
 * those replicated to the owner or to all, except the body PlayerState carries (replication/own-state.ts). Sent
 * to the owner only, at the entity update rate, when something changed.
 */
export interface OwnState {
  /** Discriminant: `MsgType.OwnState` (77). */
  type: 77;
  /** The server tick the values are as of. */
  tick: Tick;
  /** Per changed component: uvar component id, then its wire fields as svar (see SPEC.md "Own state"). */
  data: Uint8Array;
}

/** Messages a client sends. */
export type ClientMessage = Hello | Ping | Pong | Disconnect | MessageRefused | InputBundle | ClientChat | DiagnosticsRequest | ChunkAck | ChunkHave | ChunkResync;
/** Messages a server sends. */
export type ServerMessage = Welcome | Reject | Ping | Pong | Disconnect | MessageRefused | ChunkData | ChunkDiff | ChunkUnload
  | EntitySpawn | EntityDelta | EntityDespawn | ServerChat | ServerState | TimeSync | DiagnosticsResponse | PlayerState | BlockResult
  | InventoryState | OwnState | ActionResult;
/** Any message. */
export type Message = ClientMessage | ServerMessage;
