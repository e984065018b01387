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

/** Views any typed array's bytes (no copy). */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
