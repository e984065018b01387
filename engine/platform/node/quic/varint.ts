/**
 * QUIC variable-length integers (RFC 9000 section 16): the two high bits of the first byte give the length (1, 2, 4
 * or 8 bytes), big-endian. Values are JavaScript numbers: exact up to 2^53 - 1, which is all this layer needs (larger
 * values, such as reserved "grease" ids, decode rounded and are only ever skipped).
 */

/** Largest value {@link writeVarint} accepts. */
export const MAX_VARINT = Number.MAX_SAFE_INTEGER;

/** A decoded varint and the offset just past it. */
export interface Varint {
  /** The value. */
  value: number;
  /** Offset of the first byte after it. */
  next: number;
}

/** Bytes needed to encode `v`. */
export function varintLength(v: number): 1 | 2 | 4 | 8 {
  return v < 0x40 ? 1 : v < 0x4000 ? 2 : v < 0x40000000 ? 4 : 8;
}

/** Writes `v` at `out[pos]`; returns the offset after it. `v` must be an integer in 0..MAX_VARINT. */
export function writeVarint(out: Uint8Array, pos: number, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
  const n = varintLength(v);
  if (n === 1) {
    out[pos] = v;
  } else if (n === 2) {
    out[pos] = 0x40 | (v >>> 8);
    out[pos + 1] = v & 0xff;
  } else if (n === 4) {
    out[pos] = 0x80 | (v >>> 24);
    out[pos + 1] = (v >>> 16) & 0xff;
    out[pos + 2] = (v >>> 8) & 0xff;
    out[pos + 3] = v & 0xff;
  } else {
    const hi = Math.floor(v / 0x100000000);
    const lo = v >>> 0;
    out[pos] = 0xc0 | (hi >>> 24);
    out[pos + 1] = (hi >>> 16) & 0xff;
    out[pos + 2] = (hi >>> 8) & 0xff;
    out[pos + 3] = hi & 0xff;
    out[pos + 4] = lo >>> 24;
    out[pos + 5] = (lo >>> 16) & 0xff;
    out[pos + 6] = (lo >>> 8) & 0xff;
    out[pos + 7] = lo & 0xff;
  }
  return pos + n;
}

/** `v` as its own byte array. */
export function encodeVarint(v: number): Uint8Array {
  const out = new Uint8Array(varintLength(v));
  writeVarint(out, 0, v);
  return out;
}

/** Reads a varint at `bytes[pos]`, or returns undefined when `end` comes first (more bytes are needed). */
export function readVarint(bytes: Uint8Array, pos: number, end = bytes.length): Varint | undefined {
  if (pos >= end) return undefined;
  const first = bytes[pos];
  const n = 1 << (first >>> 6);
  if (pos + n > end) return undefined;
  let v = first & 0x3f;
  for (let i = 1; i < n; i++) v = v * 256 + bytes[pos + i];
  return { value: v, next: pos + n };
}

/** Concatenates byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
