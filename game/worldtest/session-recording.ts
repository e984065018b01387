/**
 * A recorded server session: the server's event stream, one input log per client, and `session.json` (the world
 * configuration and when each client joined and left). Together they are enough to replay the server exactly
 * (replay.ts). Everything is kept in memory during the run and written out at the end.
 */
import {
  encodeInputLog, inputLogHeader, type InputLogEntry, eventStreamHeader, type EventStreamHeader, type StreamEvent,
  toStreamEvent, stateHashEventAt, type Hasher, type GameWorld, type TerrainConfig, type ProtocolIdentity, type Tick,
} from '../../engine/index.ts';
import type { ServerRecorder } from '../../engine/server.ts';
import { readSky, type SkyValue } from '../sky/sky.ts';

/** A join or leave, in the order the server saw them. */
export interface SessionChange {
  /** The server tick before which it happened. */
  tick: Tick;
  /** Join or leave. */
  kind: 'join' | 'leave';
  /** The player's network id (the client id in logs). */
  client: number;
  /** Player name. */
  name: string;
  /** Why it left ('' for joins). */
  reason: string;
}

/** `session.json`: what a replay needs besides the input logs. */
export interface SessionInfo {
  /** Terrain of the world. */
  terrain: TerrainConfig;
  /** Chunks generated around the origin. */
  worldRadius: number;
  /** Sections per column. */
  columnSections: number;
  /** Protocol version and schema hash of the run. */
  protocolVersion: number;
  /** Schema hash. */
  schemaHash: string;
  /** Joins and leaves in order. */
  sessions: SessionChange[];
  /** The tick the server would have run next when recording stopped. */
  endTick: Tick;
  /** The sky (game/sky) when the first recorded tick started (a restored or set sky); absent: the default start. */
  sky?: SkyValue;
  /** The world seed (the systems' rng; absent: 0). */
  seed?: number;
}

/** A recording in progress. */
export interface SessionRecording {
  /** Plug into the server (GameServerOptions.recorder). */
  readonly recorder: ServerRecorder;
  /** The server's event stream so far. */
  readonly events: StreamEvent[];
  /** Applied inputs per client. */
  readonly inputs: Map<number, InputLogEntry[]>;
  /** The session file's content (endTick is updated by `finish`). */
  readonly info: SessionInfo;
  /** Header of the server's stream. */
  readonly header: EventStreamHeader;
  /** Marks the end of the recording at the world's current tick. */
  finish(world: GameWorld): void;
  /** Input log lines of one client. */
  inputLogLines(client: number): string[];
}

/** Starts recording a server whose world is `world`; subscribe before the server starts. */
export function createSessionRecording(
  world: GameWorld, hasher: Hasher, identity: ProtocolIdentity, config: Pick<SessionInfo, 'terrain' | 'worldRadius' | 'columnSections'>,
): SessionRecording {
  const events: StreamEvent[] = [];
  const inputs = new Map<number, InputLogEntry[]>();
  const info: SessionInfo = { ...config, protocolVersion: identity.version, schemaHash: identity.schemaHash, sessions: [], endTick: 0 };
  world.events.onAny((name, payload) => events.push(toStreamEvent(String(name), payload)));
  const recorder: ServerRecorder = {
    joined(tick, client, name) {
      info.sessions.push({ tick, kind: 'join', client, name, reason: '' });
      inputs.set(client, inputs.get(client) ?? []);
      events.push({ tick, type: 'Connected', client }, { tick, type: 'EntitySpawned', netId: client, kind: 'player' });
    },
    left(tick, client, reason) {
      info.sessions.push({ tick, kind: 'leave', client, name: '', reason });
      events.push({ tick, type: 'Disconnected', client, reason }, { tick, type: 'EntityDespawned', netId: client });
    },
    tickStarts(w) {
      if (info.sky === undefined) { info.sky = readSky(w); info.seed = w.seed; }
      const e = stateHashEventAt(hasher, w);
      if (e) events.push(e);
    },
    applied(tick, client, input, seq) {
      // Repeated inputs (the server's guess when one was missing) are logged with sequence number 0.
      inputs.get(client)?.push({ tick: input.tick, seq: Math.max(0, seq), serverTick: tick, input });
    },
  };
  return {
    recorder, events, inputs, info,
    header: eventStreamHeader({ source: 'server', protocolVersion: identity.version, schemaHash: identity.schemaHash }),
    finish(w) { info.endTick = w.tick; },
    inputLogLines(client) {
      const header = inputLogHeader({ protocolVersion: identity.version, schemaHash: identity.schemaHash, client });
      return encodeInputLog({ header, entries: inputs.get(client) ?? [] });
    },
  };
}
