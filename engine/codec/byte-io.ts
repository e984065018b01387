/**
 * Little-endian byte writing and bounds-checked reading with unsigned LEB128 varints (and zigzag varints for signed
 * values), for every binary codec. The reader throws its codec's error ({@link ChunkDecodeError} unless the caller
 * names another) on any read past its end or any over-long varint.
 */
import { ChunkDecodeError } from './chunk-decode-error.ts';

/** A growable byte buffer. Plain data; use the functions below. */
export interface ByteWriter {
  /** Backing storage; replaced by a larger one when full. */
  buf: Uint8Array;
  /** Bytes written so far. */
  length: number;
}

/** Creates a writer with `capacity` bytes reserved. */
export function createByteWriter(capacity = 1024): ByteWriter {
  return { buf: new Uint8Array(Math.max(16, capacity)), length: 0 };
}

/** Makes room for `n` more bytes. */
export function reserve(w: ByteWriter, n: number): void {
  const need = w.length + n;
  if (need <= w.buf.length) return;
  const next = new Uint8Array(Math.max(need, w.buf.length * 2));
  next.set(w.buf.subarray(0, w.length));
  w.buf = next;
}

/** Appends one byte. */
export function writeU8(w: ByteWriter, v: number): void {
  reserve(w, 1);
  w.buf[w.length++] = v;
}

/** Appends a little-endian uint16. */
export function writeU16(w: ByteWriter, v: number): void {
  reserve(w, 2);
  w.buf[w.length++] = v & 255;
  w.buf[w.length++] = v >>> 8;
}

/** Appends an unsigned varint (LEB128, 7 bits per byte, low bits first); `v` must be a uint32. */
export function writeVarint(w: ByteWriter, v: number): void {
  reserve(w, 5);
  const b = w.buf;
  let n = w.length;
  while (v >= 0x80) {
    b[n++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  b[n++] = v;
  w.length = n;
}

/** Appends bytes. */
export function writeBytes(w: ByteWriter, bytes: Uint8Array): void {
  reserve(w, bytes.length);
  w.buf.set(bytes, w.length);
  w.length += bytes.length;
}

/** The written bytes (a view, valid until the next write). */
export function written(w: ByteWriter): Uint8Array {
  return w.buf.subarray(0, w.length);
}

/** Bytes in a varint encoding of `v`. */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** A read cursor over bytes. Plain data; use the functions below. */
export interface ByteReader {
  /** The bytes being read. */
  readonly bytes: Uint8Array;
  /** Next byte to read. */
  pos: number;
  /** One past the last readable byte. */
  readonly end: number;
  /** What is being read, for error messages ("palette stream"). */
  readonly what: string;
  /** Makes the error thrown on bad bytes. */
  readonly fail: (message: string) => Error;
}

/** Creates a reader over `bytes[start, end)`; `fail` makes its errors (default ChunkDecodeError). */
export function createByteReader(
  bytes: Uint8Array, what: string, start = 0, end = bytes.length, fail: (message: string) => Error = (m) => new ChunkDecodeError(m),
): ByteReader {
  if (start < 0 || end > bytes.length || start > end) throw fail(`${what}: range ${start}..${end} outside ${bytes.length} bytes`);
  return { bytes, pos: start, end, what, fail };
}

/** Reads one byte. */
export function readU8(r: ByteReader): number {
  if (r.pos >= r.end) throw r.fail(`${r.what}: truncated`);
  return r.bytes[r.pos++];
}

/** Reads a little-endian uint16. */
export function readU16(r: ByteReader): number {
  if (r.pos + 2 > r.end) throw r.fail(`${r.what}: truncated`);
  const v = r.bytes[r.pos] | (r.bytes[r.pos + 1] << 8);
  r.pos += 2;
  return v;
}

/** Reads a little-endian uint32. */
export function readU32(r: ByteReader): number {
  if (r.pos + 4 > r.end) throw r.fail(`${r.what}: truncated`);
  const b = r.bytes, p = r.pos;
  r.pos += 4;
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
}

/** Reads an unsigned varint of at most 5 bytes whose value fits in a uint32. */
export function readVarint(r: ByteReader): number {
  const b = r.bytes;
  let v = 0, shift = 0, p = r.pos;
  for (;;) {
    if (p >= r.end) throw r.fail(`${r.what}: truncated varint`);
    const c = b[p++];
    if (shift === 28 && c > 0x0f) throw r.fail(`${r.what}: varint too long`);
    v += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
    shift += 7;
  }
  r.pos = p;
  return v;
}

/** True when every byte was read. */
export function atEnd(r: ByteReader): boolean {
  return r.pos === r.end;
}

/** Bytes left to read. */
export function remaining(r: ByteReader): number {
  return r.end - r.pos;
}

/** Appends a signed integer (int32 range) as a zigzag varint: small magnitudes of either sign take one byte. */
export function writeZigzag(w: ByteWriter, v: number): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`zigzag varint out of int32 range: ${v}`);
  writeVarint(w, v < 0 ? -2 * v - 1 : 2 * v);
}

/** Reads a zigzag varint written by {@link writeZigzag}. */
export function readZigzag(r: ByteReader): number {
  const u = readVarint(r);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}
