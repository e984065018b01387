/**
 * The bridge wire's strict decoding of what moving a session adds: the `move` message and the open request's
 * `resume` and `streams`; and of the fail-over `checkpoint` message. Round trips, each malformed field named, and garbage always a BridgeWireError.
 */
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  BRIDGE_MAX_RESUMED_STREAMS, BRIDGE_MAX_STATE, BridgeWireError, decodeBridgeMessage, decodeOpenRequest,
  encodeBridgeMessage, encodeOpen, type OpenRequest,
} from '../../../engine/cluster/bridge-wire.ts';

const packr = new Packr({ useRecords: false, moreTypes: false });
const base: OpenRequest = { v: 1, key: 'g1-1-ab', gateway: 'g1', maxDatagramSize: 1200, reliableDatagrams: true, heartbeatMs: 100 };
const request = (more: Record<string, unknown>) => packr.pack({ ...base, ...more });

describe('bridge wire: move', () => {
  it('round-trips move and keeps the old ops their ids', () => {
    const received = [{ id: 0, bytes: 12 }, { id: 3, bytes: 2 ** 40 }];
    const m = { op: 'move', target: 'shard-B_2', state: Uint8Array.of(1, 2, 3), received } as const;
    const back = decodeBridgeMessage(encodeBridgeMessage(m));
    expect(back).toEqual({ op: 'move', target: 'shard-B_2', state: expect.any(Uint8Array), received });
    expect([...(back as typeof m).state]).toEqual([1, 2, 3]);
    expect(decodeBridgeMessage(encodeBridgeMessage({ op: 'got', id: 4, bytes: 99 }))).toEqual({ op: 'got', id: 4, bytes: 99 });
    expect(packr.unpack(encodeBridgeMessage(m))[0]).toBe(7);
    expect(packr.unpack(encodeBridgeMessage({ op: 'got', id: 4, bytes: 99 }))[0]).toBe(8);
    expect(packr.unpack(encodeBridgeMessage({ op: 'ack', id: 1, bytes: 2 }))[0]).toBe(6);
  });

  it('a malformed move names what is wrong', () => {
    const bad = (...a: unknown[]) => () => decodeBridgeMessage(packr.pack([7, ...a]));
    const one = new Uint8Array(1);
    expect(bad('a.b', one, [])).toThrow(new BridgeWireError('bad move target "a.b"'));
    expect(bad('', one, [])).toThrow('bad move target ""');
    expect(bad('B', 'state', [])).toThrow('move state is not bytes');
    expect(bad('B', new Uint8Array(BRIDGE_MAX_STATE + 1), [])).toThrow(`move state has ${BRIDGE_MAX_STATE + 1} bytes (at most ${BRIDGE_MAX_STATE})`);
    expect(bad('B', one)).toThrow('move has 2 fields, not 3');
    expect(bad('B', one, [0])).toThrow('move received is not a list of (stream id, bytes) pairs');
    expect(bad('B', one, [0, 1, 0, 2])).toThrow('move received lists stream 0 twice');
    expect(bad('B', one, [0, -1])).toThrow('move received has a bad count -1 for stream 0');
    expect(bad('B', one, [0.5, 1])).toThrow('bad stream id 0.5');
    expect(() => decodeBridgeMessage(packr.pack([8, 0, 0]))).toThrow('bad got count 0');
  });

  it('decoding garbage throws a BridgeWireError, never anything else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try { decodeBridgeMessage(bytes); } catch (e) { expect(e).toBeInstanceOf(BridgeWireError); }
      try { decodeOpenRequest(bytes); } catch (e) { expect(e).toBeInstanceOf(BridgeWireError); }
    }));
  });
});

describe('bridge wire: checkpoint', () => {
  it('round-trips checkpoint as op 9', () => {
    const m = { op: 'checkpoint', region: 'r-1_2', state: Uint8Array.of(4, 5) } as const;
    const back = decodeBridgeMessage(encodeBridgeMessage(m));
    expect(back).toEqual({ op: 'checkpoint', region: 'r-1_2', state: expect.any(Uint8Array) });
    expect([...(back as typeof m).state]).toEqual([4, 5]);
    expect(packr.unpack(encodeBridgeMessage(m))[0]).toBe(9);
  });

  it('a malformed checkpoint names what is wrong', () => {
    const bad = (...a: unknown[]) => () => decodeBridgeMessage(packr.pack([9, ...a]));
    const one = new Uint8Array(1);
    expect(bad('r.1', one)).toThrow(new BridgeWireError('bad checkpoint region "r.1"'));
    expect(bad(7, one)).toThrow('bad checkpoint region 7');
    expect(bad('r-1_2', 'state')).toThrow('checkpoint state is not bytes');
    expect(bad('r-1_2', new Uint8Array(BRIDGE_MAX_STATE + 1))).toThrow(`checkpoint state has ${BRIDGE_MAX_STATE + 1} bytes (at most ${BRIDGE_MAX_STATE})`);
    expect(bad('r-1_2')).toThrow('checkpoint has 1 fields, not 2');
    expect(() => decodeBridgeMessage(packr.pack([10]))).toThrow('unknown op 10');
  });
});

describe('bridge wire: a resuming open request', () => {
  it('round-trips resume and the streams', () => {
    const r: OpenRequest = { ...base, resume: Uint8Array.of(9, 8), streams: [{ id: 0, kind: 'bidi', header: 0 }, { id: 2, kind: 'uni' }] };
    const back = decodeOpenRequest(encodeOpen(r));
    expect([...back.resume!]).toEqual([9, 8]);
    expect(back.streams).toEqual([{ id: 0, kind: 'bidi', header: 0 }, { id: 2, kind: 'uni' }]);
    expect(decodeOpenRequest(encodeOpen(base)).resume).toBeUndefined();
  });

  it('each bad field is named', () => {
    const bad = (more: Record<string, unknown>) => () => decodeOpenRequest(request(more));
    expect(bad({ resume: 'x' })).toThrow('open request resume is not bytes');
    expect(bad({ resume: new Uint8Array(BRIDGE_MAX_STATE + 1) })).toThrow(`open request resume has ${BRIDGE_MAX_STATE + 1} bytes`);
    expect(bad({ streams: [] })).toThrow('open request has streams without resume');
    const r = new Uint8Array(1);
    expect(bad({ resume: r, streams: {} })).toThrow(`open request streams is not a list of at most ${BRIDGE_MAX_RESUMED_STREAMS}`);
    expect(bad({ resume: r, streams: Array.from({ length: BRIDGE_MAX_RESUMED_STREAMS + 1 }, (_, i) => ({ id: 2 * i, kind: 'uni' })) }))
      .toThrow('open request streams is not a list');
    expect(bad({ resume: r, streams: [null] })).toThrow('open request has a stream that is not a map');
    expect(bad({ resume: r, streams: [{ id: 1, kind: 'uni' }] })).toThrow('open request stream 1 is odd or listed twice');
    expect(bad({ resume: r, streams: [{ id: 2, kind: 'uni' }, { id: 2, kind: 'bidi' }] })).toThrow('open request stream 2 is odd or listed twice');
    expect(bad({ resume: r, streams: [{ id: -2, kind: 'uni' }] })).toThrow('bad stream id -2');
    expect(bad({ resume: r, streams: [{ id: 0, kind: 'both' }] })).toThrow('open request stream 0 has a bad kind');
    expect(bad({ resume: r, streams: [{ id: 0, kind: 'bidi', header: 256 }] })).toThrow('open request stream 0 has a bad header byte');
    expect(bad({ resume: r, streams: [{ id: 0, kind: 'bidi', header: 1.5 }] })).toThrow('open request stream 0 has a bad header byte');
  });
});
