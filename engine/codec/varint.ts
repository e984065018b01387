/**
 * Byte writer and reader for compact binary codecs: unsigned LEB128 varints, zigzag signed varints, fixed-width
 * little-endian integers. The reader checks every bound and throws {@link CodecError}; it never reads past the end.
 */

/** Malformed or truncated bytes. */
export class CodecError extends Error {
  override name = 'CodecError';
}

/** A growable byte buffer. */
export interface ByteWriter {
  /** Bytes written so far (a view; copy it if the writer is reused). */
  bytes(): Uint8Array;
  /** Appends one byte. */
  u8(v: number): void;
  /** Appends an unsigned varint (0 .. 2^53). */
  uvar(v: number): void;
  /** Appends a signed varint (zigzag). */
  svar(v: number): void;
  /** Appends raw bytes. */
  raw(b: Uint8Array): void;
  /** Forgets everything written (keeps the memory). */
  reset(): void;
  /** Bytes written. */
  readonly length: number;
}

/** Creates a writer with `initial` bytes of capacity. */
export function createWriter(initial = 256): ByteWriter {
  let buf = new Uint8Array(initial);
  let n = 0;
  const room = (k: number) => {
    if (n + k <= buf.length) return;
    const next = new Uint8Array(Math.max(buf.length * 2, n + k));
    next.set(buf.subarray(0, n));
    buf = next;
  };
  const w: ByteWriter = {
    bytes: () => buf.subarray(0, n),
    u8(v) { room(1); buf[n++] = v; },
    uvar(v) {
      if (!(Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`uvar out of range: ${v}`);
      room(8);
      while (v >= 0x80) { buf[n++] = (v % 0x80) | 0x80; v = Math.floor(v / 0x80); }
      buf[n++] = v;
    },
    svar(v) {
      if (!Number.isInteger(v) || Math.abs(v) > 2 ** 51) throw new RangeError(`svar out of range: ${v}`);
      w.uvar(v < 0 ? -2 * v - 1 : 2 * v);
    },
    raw(b) { room(b.length); buf.set(b, n); n += b.length; },
    reset() { n = 0; },
    get length() { return n; },
  };
  return w;
}

/** A bounds-checked reader over bytes. */
export interface ByteReader {
  /** Next byte. */
  u8(): number;
  /** Next unsigned varint (at most 8 bytes). */
  uvar(): number;
  /** Next signed (zigzag) varint. */
  svar(): number;
  /** Next `n` bytes (a view). */
  raw(n: number): Uint8Array;
  /** Bytes left. */
  readonly remaining: number;
  /** Read position. */
  readonly offset: number;
}

/** Creates a reader; errors are thrown as `make(message)` (default {@link CodecError}). */
export function createReader(bytes: Uint8Array, make: (message: string) => Error = (m) => new CodecError(m)): ByteReader {
  let i = 0;
  const need = (k: number) => {
    if (i + k > bytes.length) throw make(`truncated: need ${k} byte(s) at offset ${i}, have ${bytes.length - i}`);
  };
  const r: ByteReader = {
    u8() { need(1); return bytes[i++]; },
    uvar() {
      let v = 0, scale = 1;
      for (let k = 0; k < 8; k++) {
        need(1);
        const b = bytes[i++];
        v += (b & 0x7f) * scale;
        if (b < 0x80) return v;
        scale *= 0x80;
      }
      throw make(`varint longer than 8 bytes at offset ${i - 8}`);
    },
    svar() {
      const u = r.uvar();
      return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    },
    raw(n) { need(n); const out = bytes.subarray(i, i + n); i += n; return out; },
    get remaining() { return bytes.length - i; },
    get offset() { return i; },
  };
  return r;
}
