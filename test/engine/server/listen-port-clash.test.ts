/**
 * listen() with port 0 picks the UDP port first and TCP must take the same number: when another process's socket
 * holds it (EADDRINUSE), it tries another; a clash on a port the caller named, or another error, is thrown at once.
 */
import { describe, expect, it } from 'vitest';
import { PORT_CLASH_ATTEMPTS, retryOnPortClash } from '../../../engine/server/listen.ts';

const clash = () => Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:58104'), { code: 'EADDRINUSE' });

describe('retryOnPortClash', () => {
  it('tries again after a clash on any free port, until a bind succeeds', async () => {
    let calls = 0;
    await retryOnPortClash(true, async () => { if (++calls < 3) throw clash(); });
    expect(calls).toBe(3);
  });

  it('gives up after the last attempt, with the clash', async () => {
    let calls = 0;
    await expect(retryOnPortClash(true, async () => { calls++; throw clash(); })).rejects.toThrow('EADDRINUSE');
    expect(calls).toBe(PORT_CLASH_ATTEMPTS);
  });

  it('throws at once for a named port or another error', async () => {
    let calls = 0;
    await expect(retryOnPortClash(false, async () => { calls++; throw clash(); })).rejects.toThrow('EADDRINUSE');
    expect(calls).toBe(1);
    await expect(retryOnPortClash(true, async () => { calls++; throw new Error('no certificate'); })).rejects.toThrow('no certificate');
    expect(calls).toBe(2);
  });
});
