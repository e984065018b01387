import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEventStreamWriter, encodeEventStream, eventStreamHeader, parseEventStream, type StreamEvent,
} from '../../../engine/replay/event-stream.ts';
import { isStateHashTick, STATE_HASH_INTERVAL } from '../../../engine/replay/event-types.ts';
import { createArrayLineSink, joinLines, JsonlError } from '../../../engine/replay/jsonl.ts';
import { arbEvents, blockChanged, serverHeader } from '../../support/streams.ts';

function parseError(text: string): JsonlError {
  try {
    parseEventStream(text, 's.jsonl');
  } catch (e) {
    expect(e).toBeInstanceOf(JsonlError);
    return e as JsonlError;
  }
  throw new Error('expected a JsonlError');
}

describe('event stream', () => {
  it('writes the documented line format: tick, type, payload, then wall', () => {
    const sink = createArrayLineSink();
    const w = createEventStreamWriter(sink, serverHeader());
    w.write({ wall: { ms: 5 }, type: 'BlockChanged', x: 1, y: 2, z: 3, block: 4, prev: 0, by: 9, tick: 40 });
    w.write({ tick: 40, type: 'StateHash', hash: '00000000000000ff' });
    expect(sink.lines).toEqual([
      '{"type":"header","kind":"events","source":"server","protocolVersion":3,"schemaHash":"abcdef0123456789"}',
      '{"tick":40,"type":"BlockChanged","x":1,"y":2,"z":3,"block":4,"prev":0,"by":9,"wall":{"ms":5}}',
      '{"tick":40,"type":"StateHash","hash":"00000000000000ff"}',
    ]);
    expect(w.count).toBe(2);
  });

  it('round-trips random streams through writer and reader', () => {
    fc.assert(fc.property(arbEvents, fc.constantFrom('server', 'client:3', 'client:bot-7'), (events, source) => {
      const header = eventStreamHeader({ source, protocolVersion: 2, schemaHash: 'h' });
      const text = joinLines(encodeEventStream({ header, events }));
      const back = parseEventStream(text, 'r.jsonl');
      expect(back.header).toEqual(header);
      expect(back.events).toEqual(JSON.parse(JSON.stringify(events)));
      expect(back.lines).toEqual(events.map((_, i) => i + 2));
    }));
  });

  it('refuses bad events when writing', () => {
    const w = createEventStreamWriter(createArrayLineSink(), serverHeader());
    expect(() => w.write({ tick: 1, type: 'BlockChanged', x: 1, y: 2, z: 3.5, block: 1, prev: 0, by: 1 }))
      .toThrow(/field "z" must be an integer/);
    expect(() => w.write({ tick: 1, type: 'StateHash', hash: 'XYZ' })).toThrow(/field "hash" must be 16 lowercase hex digits/);
    w.write(blockChanged(5, 0, 0, 0));
    expect(() => w.write(blockChanged(4, 0, 0, 0))).toThrow(/tick 4 is before the previous event's tick 5/);
    expect(w.count).toBe(1);
    expect(() => createEventStreamWriter(createArrayLineSink(), eventStreamHeader({ source: 'bob', protocolVersion: 1, schemaHash: 'x' })))
      .toThrow(/"server" or "client:<id>"/);
  });

  it('names the line of every kind of bad input when reading', () => {
    const head = JSON.stringify(serverHeader());
    const ok = '{"tick":1,"type":"EntitySpawned","netId":2,"kind":"player"}';
    const cases: [string, number, RegExp][] = [
      [`${head}\n${ok}\n{"tick":1,"type":"EntitySpawned","kind":"player"}\n`, 3, /field "netId" must be an integer, got nothing/],
      [`${head}\n${ok}\n{"tick":0,"type":"Connected","client":1}\n`, 3, /tick 0 is before the previous event's tick 1/],
      [`${head}\n${ok}\n{"type":"Connected","client":1}\n`, 3, /field "tick" must be an integer in 0\.\./],
      [`${head}\n${ok}\n${head}\n`, 3, /a second header line/],
      [`${head}\n${ok}\n{"tick":2,"type":"X","wall":3}\n`, 3, /field "wall" must be a JSON object/],
      [`${head}\n${ok}\n{"tick":2,"type":"Conn ected"}\n`, 3, /field "type" must be an event type name/],
      [`${head}\n\n${ok}\n`, 2, /blank line/],
      [`${ok}\n`, 1, /expected the header line/],
      [`{"type":"header","kind":"events","source":"server","protocolVersion":"3","schemaHash":"x"}\n`, 1, /field "protocolVersion" must be an integer/],
    ];
    for (const [text, line, message] of cases) {
      const e = parseError(text);
      expect(e.line).toBe(line);
      expect(e.message).toMatch(new RegExp(`^s\\.jsonl:${line}: ${message.source}`));
    }
  });

  it('keeps unknown event types and extra fields of known types', () => {
    const events: StreamEvent[] = [
      { tick: 3, type: 'ActionRefused', eid: 4, action: 'block', reason: 'reach', message: 'too far' },
      { tick: 3, type: 'Connected', client: 2, name: 'ann' },
    ];
    const text = joinLines(encodeEventStream({ header: serverHeader(), events }));
    expect(parseEventStream(text).events).toEqual(events);
  });

  it('puts state hashes every 20 ticks', () => {
    expect(STATE_HASH_INTERVAL).toBe(20);
    expect([0, 19, 20, 39, 40].map(isStateHashTick)).toEqual([true, false, true, false, true]);
  });
});
