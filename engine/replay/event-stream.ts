/**
 * Event streams: what the server (or one client) saw happen, one JSONL file per source. Line 1 is the header, then
 * one event per line in the order they happened, ticks never decreasing:
 *
 * ```
 * {"type":"header","kind":"events","source":"server","protocolVersion":3,"schemaHash":"9f0c..."}
 * {"tick":0,"type":"StateHash","hash":"0123456789abcdef"}
 * {"tick":41,"type":"BlockChanged","x":3,"y":64,"z":-7,"block":0,"prev":4,"by":2,"wall":{"ms":1732490000123}}
 * ```
 *
 * An event line is `tick`, `type`, the payload fields, and optionally `wall` (wall-clock readings, never compared).
 * Known types (engine/replay/event-types.ts) must carry their fields with the right kinds; extra fields are kept
 * and compared. Other type names are allowed with any JSON payload.
 */
import type { Tick } from '../tick.ts';
import { encodeJsonLine, JsonlError, parseJsonLines, type LineSink } from './jsonl.ts';
import { EVENT_FIELDS, isKnownEventType, type EventFieldKind } from './event-types.ts';
import {
  expectObject, fail, intField, numberField, onlyKeys, stringField, wallField, WALL_KEY, type LineRef, type WallFields,
} from './line-fields.ts';

/** The first line of an event stream. */
export interface EventStreamHeader {
  /** Always "header". */
  type: 'header';
  /** Always "events". */
  kind: 'events';
  /** Who recorded it: "server" or "client:<id>". */
  source: string;
  /** Protocol version in use (given by the caller; see engine/protocol). */
  protocolVersion: number;
  /** Schema hash of the protocol in use. */
  schemaHash: string;
  /** Wall-clock readings (e.g. when recording started); never compared. */
  wall?: WallFields;
}

/** One event line: tick, type, payload fields and optional wall-clock readings. */
export interface StreamEvent {
  /** The tick it happened at. */
  tick: Tick;
  /** Event type name (see event-types.ts for the known ones). */
  type: string;
  /** Wall-clock readings; never compared by the diff. */
  wall?: WallFields;
  /** Payload fields: JSON data. */
  [field: string]: unknown;
}

/** A parsed event stream. */
export interface EventStream {
  /** The header line. */
  header: EventStreamHeader;
  /** The events in stream order. */
  events: StreamEvent[];
  /** The 1-based line number of each event (parallel to `events`). */
  lines: number[];
}

/** Writes events of one stream to a sink; the header has already been written when this is returned. */
export interface EventStreamWriter {
  /** Validates and writes one event; throws (writing nothing) on an invalid event or a tick before the last one. */
  write(event: StreamEvent): void;
  /** Events written so far. */
  readonly count: number;
}

/** Header fields the caller supplies. */
export type EventStreamHeaderFields = Omit<EventStreamHeader, 'type' | 'kind'>;

const SOURCE = /^(server|client:[^\s]+)$/;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** Builds a complete header from its fields (keys in a fixed order). */
export function eventStreamHeader(fields: EventStreamHeaderFields): EventStreamHeader {
  const h: EventStreamHeader = {
    type: 'header', kind: 'events', source: fields.source, protocolVersion: fields.protocolVersion, schemaHash: fields.schemaHash,
  };
  if (fields.wall !== undefined) h.wall = fields.wall;
  return h;
}

/** Encodes a header as a line. Throws a JsonlError if it is invalid. */
export function encodeEventStreamHeader(header: EventStreamHeader): string {
  const line = encodeJsonLine(eventStreamHeader(header));
  checkEventStreamHeader(JSON.parse(line), { source: 'event stream header', line: 0 });
  return line;
}

/** Encodes an event as a line: `tick`, `type`, payload fields in their order, then `wall`. Throws if invalid. */
export function encodeStreamEvent(event: StreamEvent): string {
  const o: Record<string, unknown> = { tick: event.tick, type: event.type };
  for (const [k, v] of Object.entries(event)) if (k !== 'tick' && k !== 'type' && k !== WALL_KEY) o[k] = v;
  if (event.wall !== undefined) o[WALL_KEY] = event.wall;
  // Check the object itself (what the line will hold) rather than re-parsing the line: this runs on the tick loop.
  checkStreamEvent(o, { source: 'event', line: 0 });
  return encodeJsonLine(o);
}

/** Writes the header to `sink` and returns a writer for the events. */
export function createEventStreamWriter(sink: LineSink, header: EventStreamHeader): EventStreamWriter {
  sink.write(encodeEventStreamHeader(header));
  let lastTick = 0;
  let count = 0;
  return {
    write(event) {
      if (event.tick < lastTick) throw new RangeError(`event stream: tick ${event.tick} is before the previous event's tick ${lastTick}`);
      const line = encodeStreamEvent(event);
      lastTick = event.tick;
      count++;
      sink.write(line);
    },
    get count() { return count; },
  };
}

/** Encodes a whole stream as lines (header first). */
export function encodeEventStream(stream: { header: EventStreamHeader; events: readonly StreamEvent[] }): string[] {
  const lines: string[] = [];
  const w = createEventStreamWriter({ write: (l) => { lines.push(l); } }, stream.header);
  for (const e of stream.events) w.write(e);
  return lines;
}

/** Parses and validates an event stream; any bad line throws a {@link JsonlError} naming `source` and the line. */
export function parseEventStream(text: string, source = ''): EventStream {
  const parsed = parseJsonLines(text, source);
  if (parsed.length === 0) throw new JsonlError('empty event stream (expected a header line)', 0, source || 'event stream');
  const header = checkEventStreamHeader(parsed[0].value, { source, line: parsed[0].line });
  const events: StreamEvent[] = [];
  const lines: number[] = [];
  let lastTick = 0;
  for (let i = 1; i < parsed.length; i++) {
    const at = { source, line: parsed[i].line };
    const e = checkStreamEvent(parsed[i].value, at);
    if (e.tick < lastTick) fail(at, `tick ${e.tick} is before the previous event's tick ${lastTick} (ticks must not decrease)`);
    lastTick = e.tick;
    events.push(e);
    lines.push(at.line);
  }
  return { header, events, lines };
}

/** Validates a parsed header line. */
export function checkEventStreamHeader(value: unknown, at: LineRef): EventStreamHeader {
  const o = expectObject(value, at, 'the header line');
  if (o.type !== 'header') fail(at, `expected the header line {"type":"header",...}, got type ${JSON.stringify(o.type)}`);
  if (o.kind !== 'events') fail(at, `not an event stream: header kind is ${JSON.stringify(o.kind)}, expected "events"`);
  onlyKeys(o, ['type', 'kind', 'source', 'protocolVersion', 'schemaHash', WALL_KEY], at);
  return eventStreamHeader({
    source: stringField(o, 'source', at, SOURCE, '"server" or "client:<id>"'),
    protocolVersion: intField(o, 'protocolVersion', at, 0),
    schemaHash: stringField(o, 'schemaHash', at),
    wall: wallField(o, at),
  });
}

/** Validates a parsed event line; returns it as a {@link StreamEvent} (the same object). */
export function checkStreamEvent(value: unknown, at: LineRef): StreamEvent {
  const o = expectObject(value, at, 'an event line');
  if (o.type === 'header') fail(at, 'a second header line (headers come only on line 1)');
  intField(o, 'tick', at, 0);
  const type = stringField(o, 'type', at, TYPE_NAME, 'an event type name');
  wallField(o, at);
  if (isKnownEventType(type)) {
    const fields: Record<string, EventFieldKind> = EVENT_FIELDS[type];
    for (const [k, kind] of Object.entries(fields)) {
      if (kind === 'int') intField(o, k, at);
      else if (kind === 'number') numberField(o, k, at);
      else if (kind === 'hex16') stringField(o, k, at, HEX16, '16 lowercase hex digits');
      else stringField(o, k, at);
    }
  }
  return o as StreamEvent;
}
