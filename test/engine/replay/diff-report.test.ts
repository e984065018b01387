import { describe, expect, it } from 'vitest';
import { diffEventStreams } from '../../../engine/replay/diff.ts';
import { formatDiffReport } from '../../../engine/replay/diff-report.ts';
import { eventStreamHeader, type StreamEvent } from '../../../engine/replay/event-stream.ts';
import { blockChanged, stateHashEvent } from '../../support/streams.ts';

const headerA = eventStreamHeader({ source: 'server', protocolVersion: 3, schemaHash: 'aaaa' });
const headerB = eventStreamHeader({ source: 'client:2', protocolVersion: 3, schemaHash: 'bbbb' });

describe('diff report', () => {
  it('prints counts per kind, then each difference with tick, kind, identity, lines and paths', () => {
    const a: StreamEvent[] = [stateHashEvent(0), blockChanged(1, 1, 2, 3), blockChanged(1, 4, 5, 6), { tick: 2, type: 'Connected', client: 9 }];
    const b: StreamEvent[] = [stateHashEvent(0), blockChanged(1, 4, 5, 6), blockChanged(1, 1, 2, 3, 7), { tick: 3, type: 'Connected', client: 9, wall: { ms: 1 } }];
    const diff = diffEventStreams({ header: headerA, events: a }, { header: headerB, events: b });
    const lines = formatDiffReport(diff, { name: 'a.jsonl', header: headerA, events: 4 }, { name: 'b.jsonl', header: headerB, events: 4 }, 10);
    expect(lines).toEqual([
      'A: a.jsonl  (server, protocol 3, schema aaaa, 4 events)',
      'B: b.jsonl  (client:2, protocol 3, schema bbbb, 4 events)',
      '',
      '  schema drift    1',
      '  missing         1',
      '  extra           1',
      '  order           1',
      '  value mismatch  1',
      '  total           5',
      '',
      'differences (5):',
      '  header    schema drift: schemaHash "aaaa" in A, "bbbb" in B',
      '  tick 1        order          BlockChanged x=1 y=2 z=3  moved: event 2 of A (a.jsonl:3) is event 3 of B (b.jsonl:4)',
      '  tick 1        value mismatch BlockChanged x=1 y=2 z=3  (a.jsonl:3, b.jsonl:4)',
      '      $.block: 1 in A, 7 in B',
      '  tick 2        missing        Connected client=9  only in A (a.jsonl:5): {"tick":2,"type":"Connected","client":9}',
      '  tick 3        extra          Connected client=9  only in B (b.jsonl:5): {"tick":3,"type":"Connected","client":9}',
      '',
      'streams differ',
    ]);
    const short = formatDiffReport(diff, { name: 'a', header: headerA, events: 4 }, { name: 'b', header: headerB, events: 4 }, 2);
    expect(short).toContain('first 2 of 5 differences (--max to see more):');
    expect(short.filter((l) => l.startsWith('  tick ') || l.startsWith('  header '))).toHaveLength(2);
  });

  it('says the streams match when they do', () => {
    const diff = diffEventStreams({ header: headerA, events: [] }, { header: headerA, events: [] });
    const lines = formatDiffReport(diff, { name: 'a', header: headerA, events: 0 }, { name: 'b', header: headerA, events: 0 }, 10);
    expect(lines.at(-1)).toBe('streams match');
    expect(lines).toContain('  total           0');
  });
});
