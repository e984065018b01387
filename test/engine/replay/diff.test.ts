import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffEventStreams, type DiffSide, type StreamDiff } from '../../../engine/replay/diff.ts';
import { encodeEventStream, parseEventStream, type StreamEvent } from '../../../engine/replay/event-stream.ts';
import { joinLines } from '../../../engine/replay/jsonl.ts';
import { arbEvents, blockChanged, sampleEvents, serverHeader, stateHashEvent } from '../../support/streams.ts';

function side(events: StreamEvent[], schemaHash = 'abcdef0123456789', protocolVersion = 3): DiffSide {
  return { header: serverHeader(schemaHash, protocolVersion), events };
}

function kinds(d: StreamDiff): string[] {
  return d.differences.map((x) => x.kind);
}

const clone = (events: StreamEvent[]): StreamEvent[] => JSON.parse(JSON.stringify(events));

describe('event stream diff', () => {
  const base = sampleEvents(200);

  it('finds nothing between identical streams', () => {
    const d = diffEventStreams(side(base), side(clone(base)));
    expect(d).toEqual({ same: true, counts: { schema: 0, missing: 0, extra: 0, order: 0, value: 0 }, differences: [] });
  });

  it('ignores wall-clock fields', () => {
    const b = clone(base).map((e, i) => ({ ...e, wall: { ms: 1_000_000 + i } }));
    const a = clone(base).map((e, i) => (i % 2 ? { ...e, wall: { ms: i, note: 'a' } } : e));
    expect(diffEventStreams(side(a), side(b)).same).toBe(true);
  });

  it('reports a changed value as a value mismatch with tick, type, path and both values', () => {
    const b = clone(base);
    const i = b.findIndex((e) => e.type === 'BlockChanged' && e.tick === 99);
    b[i] = { ...b[i], block: 42 };
    const d = diffEventStreams(side(base), side(b));
    expect(kinds(d)).toEqual(['value']);
    expect(d.differences[0]).toMatchObject({
      kind: 'value', tick: 99, type: 'BlockChanged', id: `x=${99 % 16} y=60 z=${-(99 % 9)}`, indexA: i, indexB: i, lineA: i + 2,
      fields: [{ path: '$.block', a: (99 % 4) + 1, b: 42 }],
    });
  });

  it('reports a dropped event as missing, and an added one as extra', () => {
    const b = clone(base);
    const i = b.findIndex((e) => e.type === 'ChunkLoaded' && e.tick === 70);
    const [dropped] = b.splice(i, 1);
    const d = diffEventStreams(side(base), side(b));
    expect(kinds(d)).toEqual(['missing']);
    expect(d.differences[0]).toMatchObject({ kind: 'missing', tick: 70, type: 'ChunkLoaded', indexA: i, event: dropped });
    const back = diffEventStreams(side(b), side(base));
    expect(kinds(back)).toEqual(['extra']);
    expect(back.differences[0]).toMatchObject({ kind: 'extra', tick: 70, indexB: i, event: dropped });
  });

  it('reports two swapped events as one ordering change, not as missing and extra', () => {
    const b = clone(base);
    const i = b.findIndex((e) => e.type === 'BlockChanged' && e.tick === 30);
    expect(b[i + 1].tick).toBe(30);
    [b[i], b[i + 1]] = [b[i + 1], b[i]];
    const d = diffEventStreams(side(base), side(b));
    expect(d.counts).toEqual({ schema: 0, missing: 0, extra: 0, order: 1, value: 0 });
    const o = d.differences[0];
    expect(o).toMatchObject({ kind: 'order', tick: 30, type: 'BlockChanged' });
    if (o.kind !== 'order') throw new Error('unreachable');
    expect([i, i + 1]).toContain(o.indexA);
    expect(o.indexB).toBe(o.indexA === i ? i + 1 : i);
  });

  it('reports another schema hash or protocol version as schema drift with both values', () => {
    const d = diffEventStreams(side(base), side(clone(base), '1111111111111111'));
    expect(d.differences).toEqual([{ kind: 'schema', field: 'schemaHash', a: 'abcdef0123456789', b: '1111111111111111' }]);
    const v = diffEventStreams(side(base, 'x', 3), side(base, 'y', 4));
    expect(v.differences).toEqual([
      { kind: 'schema', field: 'protocolVersion', a: 3, b: 4 },
      { kind: 'schema', field: 'schemaHash', a: 'x', b: 'y' },
    ]);
  });

  it('tells apart events without identity fields by value, then by order', () => {
    const refused = (tick: number, eid: number) => ({ tick, type: 'ActionRefused', eid, reason: 'reach' });
    const a = [refused(5, 1), refused(5, 2), refused(5, 3)];
    expect(kinds(diffEventStreams(side(a), side([a[0], a[2]])))).toEqual(['missing']);
    expect(diffEventStreams(side(a), side([a[0], a[2]])).differences[0]).toMatchObject({ indexA: 1 });
    // A changed hash: the one StateHash of that tick pairs with the other, a value mismatch.
    const h = diffEventStreams(side([stateHashEvent(20)]), side([stateHashEvent(20, 7)]));
    expect(kinds(h)).toEqual(['value']);
    expect(h.differences[0]).toMatchObject({ type: 'StateHash', id: '', fields: [{ path: '$.hash' }] });
  });

  it('drops one of identical duplicates as one missing event, nothing more', () => {
    const x = blockChanged(3, 1, 1, 1);
    const y = blockChanged(3, 2, 2, 2);
    const d = diffEventStreams(side([x, y, { ...x }, y]), side([y, { ...x }, y]));
    expect(d.counts).toEqual({ schema: 0, missing: 1, extra: 0, order: 0, value: 0 });
  });

  it('reports an event moved to another tick as missing and extra', () => {
    const d = diffEventStreams(side([blockChanged(3, 1, 1, 1)]), side([blockChanged(4, 1, 1, 1)]));
    expect(kinds(d)).toEqual(['missing', 'extra']);
  });

  it('still pairs by identity in a tick too large for the common-subsequence step', () => {
    const tick = Array.from({ length: 3000 }, (_, i) => blockChanged(7, i, 1, 1));
    const reversed = clone(tick).reverse();
    reversed[10] = { ...reversed[10], block: 99 };
    const d = diffEventStreams(side(tick), side(reversed));
    expect(d.counts).toEqual({ schema: 0, missing: 0, extra: 0, order: 2999, value: 1 });
    expect(d.differences.find((x) => x.kind === 'value')).toMatchObject({ id: 'x=2989 y=1 z=1', fields: [{ path: '$.block', a: 1, b: 99 }] });
  });

  it('sorts differences by tick and is deterministic', () => {
    const b = clone(base);
    b.splice(b.findIndex((e) => e.tick === 150), 1);
    b[b.findIndex((e) => e.tick === 9)].by = 5;
    b.push({ tick: 199, type: 'Disconnected', client: 1, reason: 'timeout' });
    const d = diffEventStreams(side(base), side(b));
    expect(d.differences.map((x) => ('tick' in x ? x.tick : -1))).toEqual([9, 150, 199]);
    expect(diffEventStreams(side(base), side(b))).toEqual(d);
  });

  it('property: a stream against itself, wall fields changed, diffs clean', () => {
    fc.assert(fc.property(arbEvents, (events) => {
      const b = clone(events).map((e) => ({ ...e, wall: { ms: 1 } }));
      expect(diffEventStreams(side(events), side(b)).same).toBe(true);
    }));
  });

  it('property: one dropped, swapped or changed event is reported as exactly that kind', () => {
    fc.assert(fc.property(arbEvents.filter((e) => e.length >= 2), fc.nat(), fc.constantFrom('drop', 'swap', 'change'), (events, r, how) => {
      const b = clone(events);
      const i = r % b.length;
      if (how === 'drop') {
        b.splice(i, 1);
        expect(diffEventStreams(side(events), side(b)).counts).toEqual({ schema: 0, missing: 1, extra: 0, order: 0, value: 0 });
      } else if (how === 'swap') {
        const j = b.findIndex((e, k) => k > i && e.tick === b[i].tick && JSON.stringify({ ...e, wall: 0 }) !== JSON.stringify({ ...b[i], wall: 0 }));
        if (j < 0) return;
        [b[i], b[j]] = [b[j], b[i]];
        const d = diffEventStreams(side(events), side(b));
        expect(d.counts.missing + d.counts.extra + d.counts.value).toBe(0);
        expect(d.counts.order).toBeGreaterThanOrEqual(1);
        if (j === i + 1) expect(d.counts.order).toBe(1);
      } else {
        b[i] = { ...b[i], changed: 1e9 + r };
        const d = diffEventStreams(side(events), side(b));
        expect(kinds(d)).toEqual(['value']);
        expect(d.differences[0]).toMatchObject({ indexA: i, indexB: i, fields: [{ path: '$.changed', a: undefined, b: 1e9 + r }] });
      }
    }));
  });

  it('diffs 100k-event streams parsed from text', () => {
    const events = sampleEvents(110_000);
    expect(events.length).toBeGreaterThan(100_000);
    const textA = joinLines(encodeEventStream({ header: serverHeader(), events }));
    const changed = clone(events);
    changed[50_000] = { ...changed[50_000], wall: { ms: 1 } };
    changed.splice(70_000, 1);
    const s = changed.findIndex((e, k) => k >= 80_000 && changed[k + 1].tick === e.tick);
    [changed[s], changed[s + 1]] = [changed[s + 1], changed[s]];
    const textB = joinLines(encodeEventStream({ header: serverHeader(), events: changed }));
    const d = diffEventStreams(parseEventStream(textA, 'a'), parseEventStream(textB, 'b'));
    expect(d.counts).toEqual({ schema: 0, missing: 1, extra: 0, order: 1, value: 0 });
    expect(d.differences.find((x) => x.kind === 'missing')).toMatchObject({ indexA: 70_000, lineA: 70_002 });
  });
});
