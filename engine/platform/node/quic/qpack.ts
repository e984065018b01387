/**
 * QPACK field sections (RFC 9204) with the static table only: this endpoint advertises a dynamic table capacity of
 * 0, so a section that needs the dynamic table is malformed. Decoding handles every static-table and literal
 * representation, with or without Huffman coding; encoding uses static references where they exist and Huffman
 * when it is shorter. Strings are byte strings (latin1): header names and values are ASCII on the wire.
 */
import { H3Code, H3Error } from './h3-error.ts';
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman.ts';
import { QPACK_STATIC_TABLE } from './qpack-static-table.ts';

/** One header field: [name, value]. */
export type Field = readonly [name: string, value: string];

/** Limits on a decoded section. */
export interface FieldLimits {
  /** Largest sum of name + value + 32 over the fields (RFC 9114 section 4.2.2), bytes. */
  maxSectionSize: number;
  /** Most fields. */
  maxFields: number;
}

/** Default limits: 16 KiB, 64 fields. */
export const DEFAULT_FIELD_LIMITS: FieldLimits = { maxSectionSize: 16 * 1024, maxFields: 64 };

const fail = (message: string) => new H3Error(H3Code.QpackDecompressionFailed, message);

/** Exact matches and name matches in the static table. */
const EXACT = new Map<string, number>();
const BY_NAME = new Map<string, number>();
QPACK_STATIC_TABLE.forEach(([name, value], i) => {
  const key = `${name}\0${value}`;
  if (!EXACT.has(key)) EXACT.set(key, i);
  if (!BY_NAME.has(name)) BY_NAME.set(name, i);
});

/** Appends a prefixed integer (RFC 7541 section 5.1): `flags` fill the bits above the `prefix` low bits. */
function writeInt(out: number[], flags: number, prefix: number, v: number): void {
  const max = (1 << prefix) - 1;
  if (v < max) {
    out.push(flags | v);
    return;
  }
  out.push(flags | max);
  v -= max;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** A cursor over one field section. */
interface Cursor {
  bytes: Uint8Array;
  pos: number;
}

/** Reads a prefixed integer of at most 2^32 - 1 whose first byte is at `c.pos`. */
function readInt(c: Cursor, prefix: number): number {
  if (c.pos >= c.bytes.length) throw fail('truncated integer');
  const max = (1 << prefix) - 1;
  let v = c.bytes[c.pos++] & max;
  if (v < max) return v;
  let scale = 1;
  for (;;) {
    if (c.pos >= c.bytes.length) throw fail('truncated integer');
    const b = c.bytes[c.pos++];
    v += (b & 0x7f) * scale;
    if (v > 0xffffffff) throw fail('integer too large');
    if (b < 0x80) return v;
    scale *= 128;
  }
}

const latin1 = (bytes: Uint8Array) => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
};

/** Reads a string literal whose Huffman flag is bit `prefix` of the first byte and whose length has `prefix` bits. */
function readString(c: Cursor, prefix: number, limit: number): string {
  if (c.pos >= c.bytes.length) throw fail('truncated string');
  const huffman = (c.bytes[c.pos] >> prefix) & 1;
  const len = readInt(c, prefix);
  if (len > c.bytes.length - c.pos) throw fail(`string of ${len} bytes past the end of the section`);
  const raw = c.bytes.subarray(c.pos, c.pos + len);
  c.pos += len;
  const bytes = huffman ? huffmanDecode(raw) : raw;
  if (bytes.length > limit) throw new H3Error(H3Code.ExcessiveLoad, `field section over ${limit} bytes`);
  return latin1(bytes);
}

function staticEntry(index: number): readonly [string, string] {
  const e = QPACK_STATIC_TABLE[index];
  if (!e) throw fail(`static table index ${index} out of range`);
  return e;
}

/** Decodes a field section; QPACK_DECOMPRESSION_FAILED when malformed or when it refers to the dynamic table. */
export function decodeFieldSection(bytes: Uint8Array, limits: FieldLimits = DEFAULT_FIELD_LIMITS): Field[] {
  const c: Cursor = { bytes, pos: 0 };
  const requiredInsertCount = readInt(c, 8);
  if (requiredInsertCount !== 0) throw fail(`required insert count ${requiredInsertCount} with no dynamic table`);
  readInt(c, 7); // sign bit and delta base: meaningless without dynamic references
  const fields: Field[] = [];
  let size = 0;
  const add = (name: string, value: string) => {
    if (fields.length >= limits.maxFields) throw new H3Error(H3Code.ExcessiveLoad, `more than ${limits.maxFields} fields`);
    size += name.length + value.length + 32;
    if (size > limits.maxSectionSize) throw new H3Error(H3Code.ExcessiveLoad, `field section over ${limits.maxSectionSize} bytes`);
    fields.push([name, value]);
  };
  while (c.pos < bytes.length) {
    const b = bytes[c.pos];
    const room = limits.maxSectionSize - size;
    if (b & 0x80) {
      // Indexed field line: 1 T index(6)
      if (!(b & 0x40)) throw fail('dynamic table reference');
      const [name, value] = staticEntry(readInt(c, 6));
      add(name, value);
    } else if (b & 0x40) {
      // Literal field line with name reference: 0 1 N T index(4), value
      if (!(b & 0x10)) throw fail('dynamic table reference');
      const [name] = staticEntry(readInt(c, 4));
      add(name, readString(c, 7, room));
    } else if (b & 0x20) {
      // Literal field line with literal name: 0 0 1 N H length(3), name, value
      const name = readString(c, 3, room);
      add(name, readString(c, 7, room - name.length));
    } else {
      throw fail('post-base (dynamic table) reference');
    }
  }
  return fields;
}

const toBytes = (s: string) => Uint8Array.from(s, (ch) => {
  const code = ch.charCodeAt(0);
  if (code > 0xff) throw new RangeError(`header text must be latin1: ${JSON.stringify(s)}`);
  return code;
});

function writeString(out: number[], flags: number, prefix: number, s: string): void {
  const raw = toBytes(s);
  const coded = huffmanEncodedLength(raw);
  const bytes = coded < raw.length ? huffmanEncode(raw) : raw;
  writeInt(out, flags | (coded < raw.length ? 1 << prefix : 0), prefix, bytes.length);
  for (const x of bytes) out.push(x);
}

/** Encodes `fields` as a field section that needs no dynamic table. */
export function encodeFieldSection(fields: readonly Field[]): Uint8Array {
  const out: number[] = [0, 0]; // required insert count 0, base 0
  for (const [name, value] of fields) {
    const exact = EXACT.get(`${name}\0${value}`);
    const byName = BY_NAME.get(name);
    if (exact !== undefined) {
      writeInt(out, 0xc0, 6, exact);
    } else if (byName !== undefined) {
      writeInt(out, 0x50, 4, byName);
      writeString(out, 0, 7, value);
    } else {
      writeString(out, 0x20, 3, name);
      writeString(out, 0, 7, value);
    }
  }
  return Uint8Array.from(out);
}
