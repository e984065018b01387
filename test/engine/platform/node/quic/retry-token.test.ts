/** Retry tokens: valid for the same address and port within the lifetime, refused otherwise, garbage refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RETRY_TOKEN_LIFETIME_MS, createRetryTokenKey, mintRetryToken, validateRetryToken } from '../../../../../engine/platform/node/quic/retry-token.ts';

describe('retry tokens', () => {
  const key = createRetryTokenKey();
  const odcid = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const now = 1_700_000_000_000;
  const token = mintRetryToken(key, '127.0.0.1', 5000, odcid, now);

  it('give back the original connection id to the same address and port in time', () => {
    expect(validateRetryToken(key, token, '127.0.0.1', 5000, now + 1000)).toEqual(odcid);
  });

  it('are refused from another address or port, after the lifetime, under another key, or altered', () => {
    expect(validateRetryToken(key, token, '127.0.0.2', 5000, now)).toBeUndefined();
    expect(validateRetryToken(key, token, '127.0.0.1', 5001, now)).toBeUndefined();
    expect(validateRetryToken(key, token, '127.0.0.1', 5000, now + RETRY_TOKEN_LIFETIME_MS + 1000)).toBeUndefined();
    expect(validateRetryToken(createRetryTokenKey(), token, '127.0.0.1', 5000, now)).toBeUndefined();
    for (let i = 0; i < token.length; i++) {
      const bad = token.slice();
      bad[i] ^= 1;
      expect(validateRetryToken(key, bad, '127.0.0.1', 5000, now)).toBeUndefined();
    }
  });

  it('refuse random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      expect(validateRetryToken(key, bytes, '127.0.0.1', 5000, now)).toBeUndefined();
    }), { numRuns: 2000 });
  });
});
