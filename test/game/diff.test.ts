import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeEventStream, type StreamEvent } from '../../engine/replay/event-stream.ts';
import { joinLines } from '../../engine/replay/jsonl.ts';
import { sampleEvents, serverHeader } from '../support/streams.ts';
import { stratum } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stratum-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const diff = (...args: string[]) => stratum('diff', ...args);

/** Writes a stream file and returns its path. */
function file(name: string, events: StreamEvent[], schemaHash?: string): string {
  const path = join(dir, name);
  writeFileSync(path, joinLines(encodeEventStream({ header: serverHeader(schemaHash), events })));
  return path;
}

/** The count printed for a kind. */
function count(stdout: string, label: string): number {
  const m = new RegExp(`^  ${label} +(\\d+)$`, 'm').exec(stdout);
  expect(m, `count line for ${label}`).not.toBeNull();
  return Number(m![1]);
}

const events = sampleEvents(120);
const copy = (): StreamEvent[] => JSON.parse(JSON.stringify(events));
const base = file('base.jsonl', events);

describe('stratum diff', () => {
  it('exits 0 on identical streams and on streams differing only in wall fields', async () => {
    const same = await diff(base, file('same.jsonl', copy()));
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('streams match');
    expect(count(same.stdout, 'total')).toBe(0);
    const walled = await diff(base, file('wall.jsonl', copy().map((e, i) => ({ ...e, wall: { ms: 1_700_000_000_000 + i } }))));
    expect(walled.code).toBe(0);
    expect(walled.stdout).toContain('streams match');
  });

  it('reports a changed value as a value mismatch with tick and path', async () => {
    const b = copy();
    const i = b.findIndex((e) => e.type === 'StateHash' && e.tick === 60);
    b[i] = { ...b[i], hash: 'ffffffffffffffff' };
    const r = await diff(base, file('value.jsonl', b));
    expect(r.code).toBe(1);
    expect(count(r.stdout, 'value mismatch')).toBe(1);
    expect(count(r.stdout, 'total')).toBe(1);
    expect(r.stdout).toMatch(/tick 60 +value mismatch +StateHash/);
    expect(r.stdout).toContain(`$.hash: "${events[i].hash}" in A, "ffffffffffffffff" in B`);
  });

  it('reports a dropped event as missing, naming its line in A', async () => {
    const b = copy();
    const i = b.findIndex((e) => e.type === 'ReconciliationEvent' && e.tick === 44);
    b.splice(i, 1);
    const r = await diff(base, file('dropped.jsonl', b));
    expect(r.code).toBe(1);
    expect(count(r.stdout, 'missing')).toBe(1);
    expect(count(r.stdout, 'total')).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`tick 44 +missing +ReconciliationEvent netId=1 +only in A \\(.*base\\.jsonl:${i + 2}\\)`));
  });

  it('reports two swapped events as an ordering change', async () => {
    const b = copy();
    const i = b.findIndex((e) => e.tick === 21 && e.type === 'ChunkLoaded');
    expect(b[i + 1].tick).toBe(21);
    [b[i], b[i + 1]] = [b[i + 1], b[i]];
    const r = await diff(base, file('swapped.jsonl', b));
    expect(r.code).toBe(1);
    expect(count(r.stdout, 'order')).toBe(1);
    expect(count(r.stdout, 'missing') + count(r.stdout, 'extra') + count(r.stdout, 'value mismatch')).toBe(0);
    expect(r.stdout).toMatch(/tick 21 +order +\w+ .* moved: event \d+ of A/);
  });

  it('reports another schema hash as schema drift with both values', async () => {
    const r = await diff(base, file('schema.jsonl', copy(), '0000000000000bad'));
    expect(r.code).toBe(1);
    expect(count(r.stdout, 'schema drift')).toBe(1);
    expect(count(r.stdout, 'total')).toBe(1);
    expect(r.stdout).toContain('schema drift: schemaHash "abcdef0123456789" in A, "0000000000000bad" in B');
  });

  it('limits the listing with --max and writes every difference with --json', async () => {
    const b = copy().map((e) => (e.type === 'BlockChanged' ? { ...e, by: 9 } : e));
    const out = join(dir, 'report.json');
    const r = await diff(base, file('many.jsonl', b), '--max', '3', '--json', out);
    expect(r.code).toBe(1);
    const n = events.filter((e) => e.type === 'BlockChanged').length;
    expect(r.stdout).toContain(`first 3 of ${n} differences`);
    expect(r.stdout.match(/value mismatch +BlockChanged/g)).toHaveLength(3);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.counts.value).toBe(n);
    expect(report.differences).toHaveLength(n);
    expect(report.differences[0].fields).toEqual([{ path: '$.by', a: 1, b: 9 }]);
  });

  it('exits 2 naming the file and line of a malformed line', async () => {
    const lines = readFileSync(base, 'utf8').split('\n');
    lines[6] = '{"tick":2,"type":"BlockChanged","x":1';
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, lines.join('\n'));
    const r = await diff(base, bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:7: not valid JSON`);
    lines[6] = '{"tick":2,"type":"BlockChanged","x":1,"y":2}';
    writeFileSync(bad, lines.join('\n'));
    const r2 = await diff(bad, base);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${bad}:7: field "z" must be an integer`);
  });

  it('exits 2 on a missing file and on bad arguments', async () => {
    const missing = join(dir, 'nope.jsonl');
    const r = await diff(base, missing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing}: cannot read (no such file)`);
    expect((await diff(base)).code).toBe(2);
    const m = await diff(base, base, '--max', '-1');
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('--max must be an integer in 0..');
    const unwritable = join(dir, 'no-such-dir', 'r.json');
    const w = await diff(base, base, '--json', unwritable);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain(`cannot write ${unwritable}`);
  });
});
