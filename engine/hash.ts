/**
 * xxhash64 through xxhash-wasm (WebAssembly, so the same code runs in Node, browsers and workers).
 * The module must be loaded once with {@link loadHasher} before the synchronous functions are used.
 */
import xxhash from 'xxhash-wasm';

/** The loaded hasher functions. */
export type Hasher = Awaited<ReturnType<typeof xxhash>>;

let loaded: Promise<Hasher> | undefined;

/** Loads (once) and returns the xxhash-wasm functions. */
export function loadHasher(): Promise<Hasher> {
  loaded ??= xxhash();
  return loaded;
}

/** Formats a 64-bit hash as 16 lowercase hex digits. */
export function hex64(h: bigint): string {
  return h.toString(16).padStart(16, '0');
}

/** Parses a hex string into bytes; throws on odd length or a non-hex digit. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError(`not a hex byte string: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Views any typed array's bytes (no copy). */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
