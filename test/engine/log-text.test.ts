/** Log text: nothing a peer sends can start a new log line or drive a terminal. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logText } from '../../engine/log-text.ts';

describe('logText', () => {
  it('escapes newlines and ANSI escapes, and cuts long values', () => {
    expect(logText('a\nb')).toBe('a\\u{a}b');
    expect(logText('\u001b[2J')).toBe('\\u{1b}[2J');
    expect(logText('x'.repeat(100), 8)).toBe('xxxxxxxx…');
  });

  it('never lets a control character through', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      expect(logText(s, 500)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }), { numRuns: 200 });
  });
});
