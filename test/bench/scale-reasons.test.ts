import { describe, expect, it } from 'vitest';
import { countReasons, formatReasons, parseServerClose, reasonKey } from '../../bench/scale-reasons.ts';

describe('bench scale close reasons', () => {
  it('groups reasons that differ only in numbers', () => {
    expect(reasonKey('timeout', 'nothing received for 10234 ms')).toBe('timeout: nothing received for N ms');
    expect(reasonKey('timeout', 'nothing received for 10871 ms')).toBe(reasonKey('timeout', 'nothing received for 10234 ms'));
    expect(reasonKey('remote', '')).toBe('remote: (no reason)');
  });

  it('counts most frequent first', () => {
    const r = countReasons(['b', 'a', 'b', 'c', 'a', 'b']);
    expect(Object.entries(r)).toEqual([['b', 3], ['a', 2], ['c', 1]]);
    expect(formatReasons(r)).toBe('3x b; 2x a; 1x c');
    expect(formatReasons({})).toBe('-');
  });

  it('parses the server log line of a session close', () => {
    expect(parseServerClose('[info] session 12 (bot7) closed: timeout: nothing received for 10012 ms'))
      .toEqual({ id: 12, name: 'bot7', kind: 'timeout', reason: 'nothing received for 10012 ms' });
    expect(parseServerClose('[warn] session 3 closed: protocol: type 9 before Hello')).toEqual({ id: 3, name: '', kind: 'protocol', reason: 'type 9 before Hello' });
    expect(parseServerClose('[info] player bot7 left: x')).toBeUndefined();
  });
});
