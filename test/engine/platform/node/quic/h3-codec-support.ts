/** Helpers for the HTTP/3 codec tests: run a decoder and return the H3Error code it threw (or undefined). */
import { expect } from 'vitest';
import { H3Error } from '../../../../../engine/platform/node/quic/h3-error.ts';

/** The H3Error code `fn` throws, undefined if it returns; any other error fails the test. */
export function h3CodeOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(H3Error);
    return (err as H3Error).code;
  }
}

/** Bytes from hex. */
export const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
