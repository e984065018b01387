import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createArrayLineSink, encodeJsonLine, joinLines, JsonlError, parseJsonLines } from '../../../engine/replay/jsonl.ts';

function errorOf(f: () => unknown): JsonlError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(JsonlError);
    return e as JsonlError;
  }
  throw new Error('expected a JsonlError');
}

describe('JSONL', () => {
  it('parses one value per line, with or without a final newline, and accepts CRLF', () => {
    expect(parseJsonLines('{"a":1}\n[2]\n"x"\n')).toEqual([
      { line: 1, value: { a: 1 } }, { line: 2, value: [2] }, { line: 3, value: 'x' },
    ]);
    expect(parseJsonLines('{"a":1}\r\n{"b":2}')).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, value: { b: 2 } }]);
    expect(parseJsonLines('')).toEqual([]);
  });

  it('names the source and line of a malformed line', () => {
    const e = errorOf(() => parseJsonLines('{"a":1}\n{"b":\n{"c":3}\n', 'run.jsonl'));
    expect(e.line).toBe(2);
    expect(e.source).toBe('run.jsonl');
    expect(e.message).toMatch(/^run\.jsonl:2: not valid JSON/);
    expect(errorOf(() => parseJsonLines('1\n2\nnope')).message).toMatch(/^line 3: not valid JSON .*"nope"/);
  });

  it('refuses blank lines instead of skipping them', () => {
    const e = errorOf(() => parseJsonLines('1\n\n2\n', 'f'));
    expect(e.line).toBe(2);
    expect(e.reason).toMatch(/blank line/);
    expect(errorOf(() => parseJsonLines('1\n   \n')).line).toBe(2);
    // Only one final newline is a line end; a second one is a blank line.
    expect(errorOf(() => parseJsonLines('1\n\n')).line).toBe(2);
  });

  it('encodes only JSON data, naming the offending path', () => {
    expect(encodeJsonLine({ a: 1, b: undefined, c: [null, 'x'] })).toBe('{"a":1,"c":[null,"x"]}');
    expect(() => encodeJsonLine({ input: { yaw: NaN } })).toThrow('$.input.yaw is NaN');
    expect(() => encodeJsonLine([1, undefined])).toThrow('$[1] is undefined');
    expect(() => encodeJsonLine({ d: new Date(0) })).toThrow('$.d is not a plain object');
    expect(() => encodeJsonLine({ n: 1n })).toThrow('$.n is a bigint');
  });

  it('round-trips any JSON values through lines and a sink', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue()), (values) => {
      const sink = createArrayLineSink();
      for (const v of values) sink.write(encodeJsonLine(v));
      for (const l of sink.lines) expect(l).not.toContain('\n');
      const back = parseJsonLines(joinLines(sink.lines)).map((l) => l.value);
      // JSON has no -0; compare as JSON does.
      expect(back).toEqual(JSON.parse(JSON.stringify(values)));
    }));
  });
});
