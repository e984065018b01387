import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../engine/events.ts';
import { recordEvents } from '../../../engine/replay/event-recorder.ts';
import { createEventStreamWriter, parseEventStream } from '../../../engine/replay/event-stream.ts';
import type { StreamEventPayloads } from '../../../engine/replay/event-types.ts';
import { createArrayLineSink, joinLines } from '../../../engine/replay/jsonl.ts';
import type { SimEvents } from '../../../engine/sim/game-world.ts';
import { serverHeader } from '../../support/streams.ts';

describe('event recorder', () => {
  it('records every event of a stream-typed bus as a line, until unsubscribed', () => {
    const bus = createEventBus<StreamEventPayloads>();
    const sink = createArrayLineSink();
    const stop = recordEvents(bus, createEventStreamWriter(sink, serverHeader()));
    bus.emit('Connected', { tick: 0, client: 4 });
    bus.emit('BlockChanged', { tick: 2, x: 1, y: 60, z: -1, block: 3, prev: 0, by: 4 });
    bus.emit('StateHash', { tick: 20, hash: '0123456789abcdef' });
    stop();
    bus.emit('Disconnected', { tick: 21, client: 4, reason: 'closed' });
    expect(sink.lines.slice(1)).toEqual([
      '{"tick":0,"type":"Connected","client":4}',
      '{"tick":2,"type":"BlockChanged","x":1,"y":60,"z":-1,"block":3,"prev":0,"by":4}',
      '{"tick":20,"type":"StateHash","hash":"0123456789abcdef"}',
    ]);
    expect(parseEventStream(joinLines(sink.lines)).events.map((e) => e.type)).toEqual(['Connected', 'BlockChanged', 'StateHash']);
  });

  it('records the simulation bus, filtered, with injected wall-clock readings under "wall"', () => {
    const bus = createEventBus<SimEvents>();
    const sink = createArrayLineSink();
    let ms = 1000;
    recordEvents(bus, createEventStreamWriter(sink, serverHeader()), { include: ['BlockChanged', 'ActionRefused'], wall: () => ({ ms: ms++ }) });
    bus.emit('PlayerSpawned', { tick: 0, eid: 1, netId: 1 });
    bus.emit('ActionRefused', { tick: 1, eid: 1, action: 'block', reason: 'reach', message: 'too far' });
    bus.emit('BlockChanged', { tick: 1, x: 0, y: 1, z: 2, block: 0, prev: 5, by: 1 });
    expect(sink.lines.slice(1)).toEqual([
      '{"tick":1,"type":"ActionRefused","eid":1,"action":"block","reason":"reach","message":"too far","wall":{"ms":1000}}',
      '{"tick":1,"type":"BlockChanged","x":0,"y":1,"z":2,"block":0,"prev":5,"by":1,"wall":{"ms":1001}}',
    ]);
  });

  it('takes the tick from the option when a payload has none, and refuses otherwise', () => {
    const bus = createEventBus<{ Ping: { n: number } }>();
    const sink = createArrayLineSink();
    const stop = recordEvents(bus, createEventStreamWriter(sink, serverHeader()), { tick: () => 9 });
    bus.emit('Ping', { n: 1 });
    stop();
    expect(sink.lines[1]).toBe('{"tick":9,"type":"Ping","n":1}');
    recordEvents(bus, createEventStreamWriter(createArrayLineSink(), serverHeader()));
    expect(() => bus.emit('Ping', { n: 2 })).toThrow(/payload of Ping has no tick/);
  });

  it('refuses an invalid known event rather than dropping it', () => {
    const bus = createEventBus<StreamEventPayloads>();
    recordEvents(bus, createEventStreamWriter(createArrayLineSink(), serverHeader()));
    expect(() => bus.emit('EntitySpawned', { tick: 1, netId: -0.5, kind: 'player' })).toThrow(/field "netId" must be an integer/);
  });
});
