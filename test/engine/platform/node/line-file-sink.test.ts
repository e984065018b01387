import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLineFileSink } from '../../../../engine/platform/node/line-file-sink.ts';
import { createEventStreamWriter, parseEventStream } from '../../../../engine/replay/event-stream.ts';
import { blockChanged, serverHeader } from '../../../support/streams.ts';

const dir = mkdtempSync(join(tmpdir(), 'stratum-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('line file sink', () => {
  it('writes an event stream that reads back, buffering until flush or close', () => {
    const path = join(dir, 'events.jsonl');
    const sink = openLineFileSink(path, { bufferBytes: 200 });
    const w = createEventStreamWriter(sink, serverHeader());
    w.write(blockChanged(1, 1, 2, 3));
    expect(readFileSync(path, 'utf8')).toBe('');
    sink.flush();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    for (let t = 2; t < 50; t++) w.write(blockChanged(t, t, 2, 3));
    sink.close();
    const back = parseEventStream(readFileSync(path, 'utf8'), path);
    expect(back.events.map((e) => e.tick)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(() => sink.write('x')).toThrow(/closed/);
  });

  it('appends when asked, and refuses a line with a newline', () => {
    const path = join(dir, 'lines.jsonl');
    const s1 = openLineFileSink(path);
    s1.write('1');
    s1.close();
    const s2 = openLineFileSink(path, { append: true });
    s2.write('2');
    expect(() => s2.write('3\n4')).toThrow(/must not contain/);
    s2.close();
    expect(readFileSync(path, 'utf8')).toBe('1\n2\n');
  });
});
