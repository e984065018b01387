/**
 * Input logs: one JSONL file per client holding every input bundle the server applied for it, enough to replay the
 * simulation. Line 1 is the header, then one line per applied bundle, in the order they were applied:
 *
 * ```
 * {"type":"header","kind":"inputs","protocolVersion":3,"schemaHash":"9f0c...","client":7}
 * {"tick":120,"seq":118,"serverTick":123,"input":{"tick":120,"buttons":1,"yaw":512,"pitch":0}}
 * ```
 *
 * `tick` is the client tick the input is for (equal to `input.tick`), `seq` the bundle's sequence number and
 * `serverTick` the server tick at which it was applied (never decreasing down the file). Either line may carry a
 * `wall` object of wall-clock readings, which replays and diffs ignore. A game's actions are written as
 * `"actions":[{"id":16,"data":"910a"}]` (payload bytes in lowercase hex).
 */
import { HOTBAR_SLOTS } from '../ecs/components.ts';
import { BUTTON_MASK, BlockActionKind, MAX_ACTIONS_PER_INPUT, InventoryOpKind, PITCH_LIMIT, YAW_STEPS, type PlayerInput } from '../input.ts';
import type { Tick } from '../tick.ts';
import { encodeJsonLine, parseJsonLines, JsonlError, type LineSink } from './jsonl.ts';
import {
  expectObject, fail, intField, onlyKeys, stringField, wallField, WALL_KEY, type LineRef, type WallFields,
} from './line-fields.ts';

/** The first line of an input log. */
export interface InputLogHeader {
  /** Always "header". */
  type: 'header';
  /** Always "inputs". */
  kind: 'inputs';
  /** Protocol version the inputs were received under (given by the caller; see engine/protocol). */
  protocolVersion: number;
  /** Schema hash of the protocol the inputs were received under. */
  schemaHash: string;
  /** The client's id (non-negative integer). */
  client: number;
  /** Wall-clock readings (e.g. when recording started); never compared. */
  wall?: WallFields;
}

/** One applied input bundle. */
export interface InputLogEntry {
  /** The client tick the input is for; equals `input.tick`. */
  tick: Tick;
  /** The bundle's sequence number (non-negative integer). */
  seq: number;
  /** The server tick at which the input was applied. */
  serverTick: Tick;
  /** The input itself. */
  input: PlayerInput;
  /** Wall-clock readings (e.g. arrival time); never compared. */
  wall?: WallFields;
}

/** A whole input log. */
export interface InputLog {
  /** The header line. */
  header: InputLogHeader;
  /** The applied bundles, in application order. */
  entries: InputLogEntry[];
}

/** Writes entries of one input log to a sink; the header has already been written when this is returned. */
export interface InputLogWriter {
  /** Validates and writes one entry; throws (writing nothing) on an invalid entry or a decreasing serverTick. */
  write(entry: InputLogEntry): void;
}

/** Header fields the caller supplies. */
export type InputLogHeaderFields = Omit<InputLogHeader, 'type' | 'kind'>;

/** Builds a complete header from its fields. */
export function inputLogHeader(fields: InputLogHeaderFields): InputLogHeader {
  const h: InputLogHeader = { type: 'header', kind: 'inputs', protocolVersion: fields.protocolVersion, schemaHash: fields.schemaHash, client: fields.client };
  if (fields.wall !== undefined) h.wall = fields.wall;
  return h;
}

/** Encodes a header as a line (keys in a fixed order). Throws a JsonlError if the header is invalid. */
export function encodeInputLogHeader(header: InputLogHeader): string {
  const line = encodeJsonLine(inputLogHeader(header));
  checkInputLogHeader(JSON.parse(line), { source: 'input log header', line: 0 });
  return line;
}

/** Encodes an entry as a line (keys in a fixed order). Throws a JsonlError if the entry is invalid. */
export function encodeInputLogEntry(entry: InputLogEntry): string {
  const i = entry.input;
  const input: PlayerInput = { tick: i.tick, buttons: i.buttons, yaw: i.yaw, pitch: i.pitch };
  if (i.block) input.block = { kind: i.block.kind, x: i.block.x, y: i.block.y, z: i.block.z, face: i.block.face };
  if (i.inventory) input.inventory = { kind: i.inventory.kind, a: i.inventory.a, b: i.inventory.b };
  // On the line, payload bytes are hex (JSON has no bytes).
  if (i.actions?.length) (input as unknown as { actions: unknown }).actions = i.actions.map((a) => ({ id: a.id, data: Array.from(a.data, (b) => b.toString(16).padStart(2, '0')).join('') }));
  const e: InputLogEntry = { tick: entry.tick, seq: entry.seq, serverTick: entry.serverTick, input };
  if (entry.wall !== undefined) e.wall = entry.wall;
  const line = encodeJsonLine(e);
  checkInputLogEntry(JSON.parse(line), { source: 'input log entry', line: 0 });
  return line;
}

/** Encodes a whole log as lines (header first). */
export function encodeInputLog(log: InputLog): string[] {
  const w = createArrayWriter(log.header);
  for (const e of log.entries) w.writer.write(e);
  return w.lines;
}

function createArrayWriter(header: InputLogHeader): { lines: string[]; writer: InputLogWriter } {
  const lines: string[] = [];
  return { lines, writer: createInputLogWriter({ write: (l) => { lines.push(l); } }, header) };
}

/** Writes the header to `sink` and returns a writer for the entries. */
export function createInputLogWriter(sink: LineSink, header: InputLogHeader): InputLogWriter {
  sink.write(encodeInputLogHeader(header));
  let lastServerTick = -1;
  return {
    write(entry) {
      if (entry.serverTick < lastServerTick) {
        throw new RangeError(`input log: serverTick ${entry.serverTick} is before the previous entry's ${lastServerTick}`);
      }
      const line = encodeInputLogEntry(entry);
      lastServerTick = entry.serverTick;
      sink.write(line);
    },
  };
}

/** Parses and validates an input log; any bad line throws a {@link JsonlError} naming `source` and the line. */
export function parseInputLog(text: string, source = ''): InputLog {
  const lines = parseJsonLines(text, source);
  if (lines.length === 0) throw new JsonlError('empty input log (expected a header line)', 0, source || 'input log');
  const header = checkInputLogHeader(lines[0].value, { source, line: lines[0].line });
  const entries: InputLogEntry[] = [];
  let lastServerTick = -1;
  for (let i = 1; i < lines.length; i++) {
    const at = { source, line: lines[i].line };
    const e = checkInputLogEntry(lines[i].value, at);
    if (e.serverTick < lastServerTick) fail(at, `serverTick ${e.serverTick} is before the previous entry's ${lastServerTick}`);
    lastServerTick = e.serverTick;
    entries.push(e);
  }
  return { header, entries };
}

/** Validates a parsed header line. */
export function checkInputLogHeader(value: unknown, at: LineRef): InputLogHeader {
  const o = expectObject(value, at, 'the header line');
  if (o.type !== 'header') fail(at, `expected the header line {"type":"header",...}, got type ${JSON.stringify(o.type)}`);
  if (o.kind !== 'inputs') fail(at, `not an input log: header kind is ${JSON.stringify(o.kind)}, expected "inputs"`);
  onlyKeys(o, ['type', 'kind', 'protocolVersion', 'schemaHash', 'client', WALL_KEY], at);
  return inputLogHeader({
    protocolVersion: intField(o, 'protocolVersion', at, 0),
    schemaHash: stringField(o, 'schemaHash', at),
    client: intField(o, 'client', at, 0),
    wall: wallField(o, at),
  });
}

/** Validates a parsed entry line. */
export function checkInputLogEntry(value: unknown, at: LineRef): InputLogEntry {
  const o = expectObject(value, at, 'an input log entry');
  onlyKeys(o, ['tick', 'seq', 'serverTick', 'input', WALL_KEY], at);
  const tick = intField(o, 'tick', at, 0);
  const input = checkPlayerInput(o.input, at);
  if (input.tick !== tick) fail(at, `field "tick" (${tick}) differs from "input.tick" (${input.tick})`);
  const e: InputLogEntry = { tick, seq: intField(o, 'seq', at, 0), serverTick: intField(o, 'serverTick', at, 0), input };
  const wall = wallField(o, at);
  if (wall !== undefined) e.wall = wall;
  return e;
}

/** Validates a {@link PlayerInput} read from a line: integer fields in their documented ranges. */
export function checkPlayerInput(value: unknown, at: LineRef): PlayerInput {
  const o = expectObject(value, at, 'field "input"');
  onlyKeys(o, ['tick', 'buttons', 'yaw', 'pitch', 'block', 'inventory', 'actions'], at, 'input.');
  const p = 'input.';
  const input: PlayerInput = {
    tick: intField(o, 'tick', at, 0, undefined, p),
    buttons: intField(o, 'buttons', at, 0, BUTTON_MASK, p),
    yaw: intField(o, 'yaw', at, 0, YAW_STEPS - 1, p),
    pitch: intField(o, 'pitch', at, -PITCH_LIMIT, PITCH_LIMIT, p),
  };
  if (o.block !== undefined) {
    const b = expectObject(o.block, at, 'field "input.block"');
    onlyKeys(b, ['kind', 'x', 'y', 'z', 'face'], at, 'input.block.');
    const q = 'input.block.';
    input.block = {
      kind: intField(b, 'kind', at, BlockActionKind.Break, BlockActionKind.Place, q) as BlockActionKind,
      x: intField(b, 'x', at, undefined, undefined, q),
      y: intField(b, 'y', at, undefined, undefined, q),
      z: intField(b, 'z', at, undefined, undefined, q),
      face: intField(b, 'face', at, 0, 5, q),
    };
  }
  if (o.inventory !== undefined) {
    const v = expectObject(o.inventory, at, 'field "input.inventory"');
    onlyKeys(v, ['kind', 'a', 'b'], at, 'input.inventory.');
    const q = 'input.inventory.';
    input.inventory = {
      kind: intField(v, 'kind', at, InventoryOpKind.Select, InventoryOpKind.Swap, q) as InventoryOpKind,
      a: intField(v, 'a', at, 0, HOTBAR_SLOTS - 1, q),
      b: intField(v, 'b', at, 0, HOTBAR_SLOTS - 1, q),
    };
  }
  if (o.actions !== undefined) {
    if (!Array.isArray(o.actions) || o.actions.length < 1 || o.actions.length > MAX_ACTIONS_PER_INPUT) fail(at, `field "input.actions" must be a list of 1..${MAX_ACTIONS_PER_INPUT} actions`);
    input.actions = o.actions.map((x: unknown) => {
      const a = expectObject(x, at, 'an entry of "input.actions"');
      onlyKeys(a, ['id', 'data'], at, 'input.actions[].');
      const id = intField(a, 'id', at, 16, 255, 'input.actions[].');
      if (typeof a.data !== 'string' || !/^([0-9a-f]{2}){0,255}$/.test(a.data)) fail(at, 'field "input.actions[].data" must be lowercase hex of 0..255 bytes');
      return { id, data: Uint8Array.from((a.data as string).match(/../g) ?? [], (h) => parseInt(h, 16)) };
    });
  }
  return input;
}
