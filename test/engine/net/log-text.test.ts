/** Logging request text: escaped to one inert line, and a line budget per window. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForLog, quoteForLog, rateLimitLog, type LogLevel } from '../../../engine/net/log-text.ts';

describe('quoteForLog', () => {
  it('escapes newlines, ANSI, C1 controls and bidi overrides, and quotes', () => {
    expect(quoteForLog('GET /\r\n[info] fake line')).toBe('"GET /\\r\\n[info] fake line"');
    expect(quoteForLog('\x1b[31mred\x1b[0m')).toBe('"\\u001b[31mred\\u001b[0m"');
    expect(quoteForLog('a\x7f\x85\u202eb\u2028c"')).toBe('"a\\u007f\\u0085\\u202eb\\u2028c\\""');
    expect(quoteForLog('tag\u{e0041}')).toBe('"tag\\u{e0041}"');
  });

  it('escapes without quotes for text inside other punctuation', () => {
    expect(escapeForLog('eve\n[info] admin\u001b[2J')).toBe('eve\\n[info] admin\\u001b[2J');
    expect(escapeForLog('x'.repeat(30), 4)).toBe('xxxx... (30 characters)');
  });

  it('cuts long text and says so', () => {
    expect(quoteForLog('x'.repeat(500), 10)).toBe(`"${'x'.repeat(10)}"... (500 characters)`);
  });

  it('any text gives one line of printable characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => {
      expect(quoteForLog(s)).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    }), { numRuns: 200 });
  });
});

describe('rateLimitLog', () => {
  it('lets a budget of lines through per window and reports the dropped count once', () => {
    const out: [LogLevel, string][] = [];
    let t = 0;
    const limited = rateLimitLog((level, m) => out.push([level, m]), { lines: 3, windowMs: 1000, now: () => t });
    for (let i = 0; i < 100; i++) limited.log('warn', `line ${i}`);
    expect(out.map(([, m]) => m)).toEqual(['line 0', 'line 1', 'line 2']);
    t = 1000;
    limited.log('info', 'later');
    expect(out.slice(3)).toEqual([['warn', '97 more log lines dropped (limit 3 per 1 s)'], ['info', 'later']]);
    limited.flush();
    expect(out).toHaveLength(5);
    for (let i = 0; i < 4; i++) limited.log('warn', 'again');
    limited.flush();
    expect(out.at(-1)).toEqual(['warn', '2 more log lines dropped (limit 3 per 1 s)']);
  });
});
