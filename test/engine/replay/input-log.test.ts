import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOTBAR_SLOTS } from '../../../engine/ecs/components.ts';
import { BUTTON_MASK, PITCH_LIMIT, YAW_STEPS, type PlayerInput } from '../../../engine/input.ts';
import {
  createInputLogWriter, encodeInputLog, inputLogHeader, parseInputLog, type InputLog, type InputLogEntry,
} from '../../../engine/replay/input-log.ts';
import { createArrayLineSink, joinLines, JsonlError } from '../../../engine/replay/jsonl.ts';

const header = inputLogHeader({ protocolVersion: 3, schemaHash: 'abcdef0123456789', client: 7 });

function entry(tick: number, serverTick: number, extra: Partial<PlayerInput> = {}): InputLogEntry {
  return { tick, seq: tick, serverTick, input: { tick, buttons: 1, yaw: 10, pitch: -3, ...extra } };
}

const arbInput = (tick: number) => fc.record({
  tick: fc.constant(tick),
  buttons: fc.integer({ min: 0, max: BUTTON_MASK }),
  yaw: fc.integer({ min: 0, max: YAW_STEPS - 1 }),
  pitch: fc.integer({ min: -PITCH_LIMIT, max: PITCH_LIMIT }),
  block: fc.record({
    kind: fc.constantFrom(1 as const, 2 as const),
    x: fc.integer({ min: -1e6, max: 1e6 }), y: fc.integer({ min: 0, max: 255 }), z: fc.integer({ min: -1e6, max: 1e6 }),
    face: fc.integer({ min: 0, max: 5 }),
  }),
  inventory: fc.record({
    kind: fc.constantFrom(1 as const, 2 as const),
    a: fc.integer({ min: 0, max: HOTBAR_SLOTS - 1 }), b: fc.integer({ min: 0, max: HOTBAR_SLOTS - 1 }),
  }),
  actions: fc.array(fc.record({ id: fc.integer({ min: 16, max: 255 }), data: fc.uint8Array({ maxLength: 255 }) }), { minLength: 1, maxLength: 4 }),
}, { requiredKeys: ['tick', 'buttons', 'yaw', 'pitch'] });

const arbEntry = fc.record({
  tick: fc.nat({ max: 1e7 }), seq: fc.nat(), serverTickStep: fc.nat({ max: 3 }),
  wall: fc.option(fc.record({ ms: fc.nat() }), { nil: undefined }),
}).chain((e) => arbInput(e.tick).map((input) => ({ ...e, input })));

const arbLog: fc.Arbitrary<InputLog> = fc.record({
  protocolVersion: fc.nat({ max: 1000 }),
  schemaHash: fc.string(),
  client: fc.nat(),
  entries: fc.array(arbEntry, { maxLength: 30 }),
}).map(({ entries, ...h }) => {
  let serverTick = 0;
  return {
    header: inputLogHeader(h),
    entries: entries.map(({ serverTickStep, wall, ...e }) => {
      serverTick += serverTickStep;
      const out: InputLogEntry = { ...e, serverTick };
      if (wall) out.wall = wall;
      return out;
    }),
  };
});

describe('input log', () => {
  it('writes a header line then one line per bundle in the documented shape', () => {
    const sink = createArrayLineSink();
    const w = createInputLogWriter(sink, header);
    w.write(entry(5, 9, { block: { kind: 1, x: 1, y: 2, z: 3, face: 4 } }));
    expect(sink.lines).toEqual([
      '{"type":"header","kind":"inputs","protocolVersion":3,"schemaHash":"abcdef0123456789","client":7}',
      '{"tick":5,"seq":5,"serverTick":9,"input":{"tick":5,"buttons":1,"yaw":10,"pitch":-3,"block":{"kind":1,"x":1,"y":2,"z":3,"face":4}}}',
    ]);
  });

  it('round-trips random logs through writer and reader', () => {
    fc.assert(fc.property(arbLog, (log) => {
      const text = joinLines(encodeInputLog(log));
      expect(parseInputLog(text, 'p.jsonl')).toEqual(log);
    }));
  });

  it('writes a game action\'s payload as hex and reads it back', () => {
    const sink = createArrayLineSink();
    createInputLogWriter(sink, header).write(entry(5, 9, { actions: [{ id: 16, data: Uint8Array.of(0x91, 10) }] }));
    expect(sink.lines[1]).toBe('{"tick":5,"seq":5,"serverTick":9,"input":{"tick":5,"buttons":1,"yaw":10,"pitch":-3,"actions":[{"id":16,"data":"910a"}]}}');
    expect(parseInputLog(joinLines(sink.lines), 'a.jsonl').entries[0].input.actions).toEqual([{ id: 16, data: Uint8Array.of(0x91, 10) }]);
  });

  it('refuses invalid entries when writing, and a decreasing serverTick', () => {
    const w = createInputLogWriter(createArrayLineSink(), header);
    expect(() => w.write(entry(1, 1, { yaw: YAW_STEPS }))).toThrow(/input log entry: field "input.yaw" must be an integer in 0..1023/);
    w.write(entry(2, 5));
    expect(() => w.write(entry(3, 4))).toThrow(/serverTick 4 is before the previous entry's 5/);
  });

  it('names the line and field of a bad entry when reading', () => {
    const good = encodeInputLog({ header, entries: [entry(1, 1), entry(2, 2)] });
    const cases: [string, RegExp][] = [
      ['{"tick":3,"seq":3,"serverTick":3,"input":{"tick":3,"buttons":64,"yaw":0,"pitch":0}}', /log\.jsonl:4: field "input\.buttons" must be an integer in 0\.\.63/],
      ['{"tick":3,"seq":3,"serverTick":3,"input":{"tick":4,"buttons":0,"yaw":0,"pitch":0}}', /log\.jsonl:4: field "tick" \(3\) differs from "input\.tick" \(4\)/],
      ['{"tick":3,"seq":3,"serverTick":1,"input":{"tick":3,"buttons":0,"yaw":0,"pitch":0}}', /log\.jsonl:4: serverTick 1 is before/],
      ['{"tick":3,"seq":3,"serverTick":3,"input":{"tick":3,"buttons":0,"yaw":0,"pitch":0},"extra":1}', /log\.jsonl:4: unexpected field "extra"/],
      ['{"tick":3,"seq":3,"serverTick":3}', /log\.jsonl:4: field "input" must be a JSON object, got nothing/],
      ['[1,2]', /log\.jsonl:4: an input log entry must be a JSON object, got an array/],
      ['{"tick":3,', /log\.jsonl:4: not valid JSON/],
      ['{"tick":3,"seq":3,"serverTick":3,"input":{"tick":3,"buttons":0,"yaw":0,"pitch":0,"actions":[{"id":16,"data":"9"}]}}', /log\.jsonl:4: field "input\.actions\[\]\.data" must be lowercase hex/],
      ['{"tick":3,"seq":3,"serverTick":3,"input":{"tick":3,"buttons":0,"yaw":0,"pitch":0,"actions":[{"id":2,"data":""}]}}', /log\.jsonl:4: field "input\.actions\[\]\.id" must be an integer in 16\.\.255/],
    ];
    for (const [bad, message] of cases) {
      const err = (() => { try { parseInputLog(joinLines([...good, bad]), 'log.jsonl'); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(JsonlError);
      expect((err as Error).message).toMatch(message);
      expect((err as JsonlError).line).toBe(4);
    }
  });

  it('checks the header', () => {
    expect(() => parseInputLog('', 'e.jsonl')).toThrow('e.jsonl: empty input log');
    expect(() => parseInputLog('{"tick":1}\n', 'e.jsonl')).toThrow(/e\.jsonl:1: expected the header line/);
    expect(() => parseInputLog('{"type":"header","kind":"events","source":"server","protocolVersion":1,"schemaHash":"x"}\n', 'e.jsonl'))
      .toThrow(/e\.jsonl:1: not an input log: header kind is "events"/);
    expect(() => parseInputLog('{"type":"header","kind":"inputs","protocolVersion":1,"schemaHash":"x","client":-1}\n', 'e.jsonl'))
      .toThrow(/e\.jsonl:1: field "client" must be an integer in 0\.\./);
  });
});
