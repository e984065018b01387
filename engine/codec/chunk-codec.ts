/**
 * The chunk codec: a column of sections <-> bytes. Pure functions; the zstd binding and the hasher are arguments.
 *
 * Wire format (all little-endian):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 1 | magic 0x53 ('S') |
 * | 1 | 1 | format version, {@link CHUNK_FORMAT_VERSION} |
 * | 2 | 1 | section count, 1..64 |
 * | 3 | 4 | payload length: bytes of the decompressed payload |
 * | 7 | 8 | checksum: xxhash64 (seed 0) of the decoded voxels, see below |
 * | 15 | 4 | frame check: xxhash32 (seed 0) of the zstd frame's bytes |
 * | 19 | rest | one standard zstd frame (with its content size) holding the payload, and nothing after it |
 *
 * Payload: five varints giving the byte lengths of the `meta`, `ids`, `runs`, `symbols` and `packed` streams, then
 * the streams `kinds` (one byte per section), `meta`, `ids`, `runs`, `symbols`, `packed` back to back; how a
 * section uses them is described in `section-format.ts`. Every stream must be consumed exactly.
 *
 * Checksum: xxhash64 with seed 0 over the column's voxels as little-endian uint16, sections bottom first, each
 * section's 4096 ids in index order `y << 8 | z << 4 | x`, uniform and absent (all-air) sections expanded: exactly
 * the bytes of a column in the terrain corpus layout. (The codec assumes a little-endian host, as every JS target is.)
 *
 * Frame check: verified before the frame is decompressed, so that damaged bytes (truncated, flipped, overwritten,
 * random) are refused in microseconds. It matters for fzstd: on some damaged frames fzstd runs its sequence loops for
 * seconds to minutes before failing (it bounds the output it writes, not the work it does), whereas libzstd fails
 * at once. A frame crafted to pass the check can still cost fzstd that time; the browser decodes in worker threads.
 */
import type { Hasher } from '../hash.ts';
import {
  type ByteWriter, atEnd, createByteReader, readU32, reserve, readVarint, varintSize, writeBytes,
  writeU16, writeU8, writeVarint, written,
} from './byte-io.ts';
import { ChunkDecodeError } from './chunk-decode-error.ts';
import { decodeSection } from './section-decoder.ts';
import {
  createSectionScratch, encodeSection, loadSection, reserveColumn, type SectionScratch, uniformValue,
} from './section-encoder.ts';
import { MAX_SECTIONS, SectionKind, type SectionReaders, type SectionStreams } from './section-format.ts';
import { DEFAULT_ZSTD_LEVEL, type Zstd, zstdFrameLength } from './zstd.ts';

/** First byte of an encoded column. */
export const CHUNK_MAGIC = 0x53;
/** Second byte of an encoded column; bumped on any format change. */
export const CHUNK_FORMAT_VERSION = 2;
/** Bytes before the zstd frame. */
export const CHUNK_HEADER_BYTES = 19;
/** Most sections a column may have. */
export const MAX_COLUMN_SECTIONS = MAX_SECTIONS;
/** Upper bound of one section's payload bytes (palette of 4096 plus 4096 worst-case RLE tokens), for decode limits. */
export const MAX_SECTION_PAYLOAD = 1 + 2 + 4096 * 2 + 4096 * 8;

const VOLUME = 4096;

/** What the codec needs from its platform: a zstd binding and a loaded xxhash64. */
export interface ChunkCodecDeps {
  /** zstd implementation (`nodeZstd` on the server, `browserZstd` in browsers for decoding). */
  zstd: Zstd;
  /** Loaded hasher (`await loadHasher()`). */
  hasher: Hasher;
}

/** Time spent per named stage, in milliseconds, accumulated over calls (pass the same object to many calls). */
export interface CodecProfile {
  /** Palette building and index packing (encode), or section decoding (decode). */
  sections: number;
  /** xxhash64 of the voxels. */
  hash: number;
  /** zstd compression or decompression. */
  zstd: number;
  /** Columns measured. */
  columns: number;
}

/** Creates a zeroed {@link CodecProfile}. */
export function createCodecProfile(): CodecProfile {
  return { sections: 0, hash: 0, zstd: 0, columns: 0 };
}

/** Options of {@link encodeColumn}. */
export interface EncodeColumnOptions {
  /** zstd level, 1..22 (default `DEFAULT_ZSTD_LEVEL`, 1). */
  level?: number;
  /** Reusable scratch memory; pass one per thread when encoding many columns (default: allocated per call). */
  scratch?: SectionScratch;
  /** Accumulates stage times when given. */
  profile?: CodecProfile;
}

/** Options of {@link decodeColumn}. */
export interface DecodeColumnOptions {
  /** Refuse columns with more sections than this, 1..64 (default 64). Bounds memory: 8 KiB of voxels per section. */
  maxSections?: number;
  /** Accumulates stage times when given. */
  profile?: CodecProfile;
}

/** A decoded column. */
export interface DecodedColumn {
  /** Sections in the column. */
  sectionCount: number;
  /** All voxels, section after section (bottom first), 4096 per section: the corpus layout. */
  voxels: Uint16Array;
  /** Per section: its id when it was sent as uniform (as the encoder sends every one-id section), else -1. */
  uniform: Int32Array;
}

/**
 * Encodes a column. `sections` are bottom first, 1..64 of them, each 4096 ids (`y << 8 | z << 4 | x`) or null for
 * an all-air section; they may be views into SharedArrayBuffer slabs. Each section is copied once before use, so
 * a concurrent writer can make the result a mix of old and new voxels but never inconsistent with its checksum.
 */
export function encodeColumn(sections: ReadonlyArray<Uint16Array | null>, deps: ChunkCodecDeps, options: EncodeColumnOptions = {}): Uint8Array {
  const count = sections.length;
  if (count < 1 || count > MAX_COLUMN_SECTIONS) throw new RangeError(`a column has 1..${MAX_COLUMN_SECTIONS} sections, got ${count}`);
  const level = options.level ?? DEFAULT_ZSTD_LEVEL;
  if (!Number.isInteger(level) || level < 1 || level > 22) throw new RangeError(`zstd level must be 1..22, got ${level}`);
  const scratch = options.scratch ?? createSectionScratch();
  const profile = options.profile;
  let t0 = profile ? performance.now() : 0;
  const streams = scratch.streams;
  for (const k of ['kinds', ...STREAM_ORDER] as const) streams[k].length = 0;
  reserveColumn(scratch, count);
  for (let s = 0; s < count; s++) {
    const voxels = sections[s];
    if (voxels !== null && voxels.length !== VOLUME) throw new RangeError(`section ${s} has ${voxels.length} voxels, not ${VOLUME}`);
    // Everything below works on the scratch snapshot of the column, never on the (possibly shared) input.
    const view = loadSection(scratch, s, voxels);
    const u = voxels === null ? 0 : uniformValue(view);
    if (u >= 0) {
      writeU8(streams.kinds, SectionKind.Uniform);
      writeU16(streams.ids, u);
    } else {
      encodeSection(streams, scratch, s);
    }
  }
  if (profile) {
    const t1 = performance.now();
    profile.sections += t1 - t0;
    t0 = t1;
  }
  const snapshot = scratch.column;
  const checksum = deps.hasher.h64Raw(new Uint8Array(snapshot.buffer, snapshot.byteOffset, count * VOLUME * 2), 0n);
  if (profile) {
    const t1 = performance.now();
    profile.hash += t1 - t0;
    t0 = t1;
  }
  const payload = joinStreams(streams, scratch.payload);
  const frame = deps.zstd.compress(payload, level);
  if (profile) {
    profile.zstd += performance.now() - t0;
    profile.columns++;
  }
  return assembleColumn({ sectionCount: count, payloadLength: payload.length, checksum }, frame, deps.hasher);
}

/** The fields of a column's header that are not derived from the frame. */
export interface ColumnHeader {
  /** Number of 16³ sections in the column (1..64). */
  sectionCount: number;
  /** Length in bytes of the payload before zstd compression. */
  payloadLength: number;
  /** xxh64 (seed 0) of the column's block ids, checked after decoding. */
  checksum: bigint;
}

/** Header plus frame: the bytes of an encoded column, with the frame check computed here. */
export function assembleColumn(header: ColumnHeader, frame: Uint8Array, hasher: Hasher): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_BYTES + frame.length);
  const dv = new DataView(out.buffer);
  out[0] = CHUNK_MAGIC;
  out[1] = CHUNK_FORMAT_VERSION;
  out[2] = header.sectionCount;
  dv.setUint32(3, header.payloadLength, true);
  dv.setBigUint64(7, header.checksum, true);
  dv.setUint32(15, hasher.h32Raw(frame, 0), true);
  out.set(frame, CHUNK_HEADER_BYTES);
  return out;
}

/**
 * The column checksum as the codec defines it (see the header comment): xxhash64 (seed 0) of the voxels in the corpus
 * layout, absent sections as air. Clients use it to name the columns they already have.
 */
export function columnChecksum(sections: ReadonlyArray<Uint16Array | null>, hasher: Hasher): bigint {
  const hash = hasher.create64(0n);
  for (const section of sections) {
    const v = section ?? AIR_SECTION;
    hash.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return hash.digest();
}

/** An all-air section, for hashing absent sections (never written). */
const AIR_SECTION = new Uint16Array(VOLUME);

const STREAM_ORDER = ['meta', 'ids', 'runs', 'symbols', 'packed'] as const;

function joinStreams(s: SectionStreams, out: ByteWriter): Uint8Array {
  let total = s.kinds.length;
  for (const k of STREAM_ORDER) total += varintSize(s[k].length) + s[k].length;
  out.length = 0;
  reserve(out, total);
  for (const k of STREAM_ORDER) writeVarint(out, s[k].length);
  writeBytes(out, written(s.kinds));
  for (const k of STREAM_ORDER) writeBytes(out, written(s[k]));
  return written(out);
}

/** Reads the fixed header of an encoded column; throws a `ChunkDecodeError` when it is malformed. */
export function readColumnHeader(bytes: Uint8Array, maxSections = MAX_COLUMN_SECTIONS): ColumnHeader & { frameCheck: number } {
  if (!(bytes instanceof Uint8Array)) throw new ChunkDecodeError('column bytes must be a Uint8Array');
  if (bytes.length < CHUNK_HEADER_BYTES) throw new ChunkDecodeError(`column of ${bytes.length} bytes is shorter than its header`);
  if (bytes[0] !== CHUNK_MAGIC) throw new ChunkDecodeError(`bad magic 0x${bytes[0].toString(16)}`);
  if (bytes[1] !== CHUNK_FORMAT_VERSION) throw new ChunkDecodeError(`format version ${bytes[1]}, expected ${CHUNK_FORMAT_VERSION}`);
  const sectionCount = bytes[2];
  if (sectionCount < 1 || sectionCount > Math.min(maxSections, MAX_COLUMN_SECTIONS)) {
    throw new ChunkDecodeError(`${sectionCount} sections, allowed 1..${Math.min(maxSections, MAX_COLUMN_SECTIONS)}`);
  }
  const r = createByteReader(bytes, 'header');
  r.pos = 3;
  const payloadLength = readU32(r);
  const maxPayload = 6 * 5 + sectionCount * MAX_SECTION_PAYLOAD;
  if (payloadLength > maxPayload) throw new ChunkDecodeError(`payload length ${payloadLength} over the bound ${maxPayload} for ${sectionCount} sections`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { sectionCount, payloadLength, checksum: dv.getBigUint64(7, true), frameCheck: dv.getUint32(15, true) };
}

/**
 * Decodes and validates a column: header, frame check, payload length, every stream bound, palette index, run total,
 * and the checksum. Throws a `ChunkDecodeError` on any failure; allocates at most about 2.6 MiB whatever the input.
 */
export function decodeColumn(bytes: Uint8Array, deps: ChunkCodecDeps, options: DecodeColumnOptions = {}): DecodedColumn {
  const { sectionCount, payloadLength, checksum, frameCheck } = readColumnHeader(bytes, options.maxSections);
  const profile = options.profile;
  let t0 = profile ? performance.now() : 0;
  const frame = bytes.subarray(CHUNK_HEADER_BYTES);
  const frameLength = zstdFrameLength(frame);
  if (frameLength < 0) throw new ChunkDecodeError('zstd: malformed or truncated frame');
  if (frameLength !== frame.length) throw new ChunkDecodeError(`${frame.length - frameLength} bytes after the zstd frame`);
  if (deps.hasher.h32Raw(frame, 0) !== frameCheck) throw new ChunkDecodeError('frame check mismatch: the zstd frame is damaged');
  let payload: Uint8Array;
  try {
    payload = deps.zstd.decompress(frame, payloadLength);
  } catch (err) {
    throw new ChunkDecodeError(`zstd: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (payload.length !== payloadLength) throw new ChunkDecodeError(`payload is ${payload.length} bytes, header says ${payloadLength}`);
  if (profile) {
    const t1 = performance.now();
    profile.zstd += t1 - t0;
    t0 = t1;
  }
  const readers = streamReaders(payload, sectionCount);
  const voxels = new Uint16Array(sectionCount * VOLUME);
  const uniform = new Int32Array(sectionCount);
  const palette = new Uint16Array(VOLUME);
  for (let s = 0; s < sectionCount; s++) uniform[s] = decodeSection(readers, voxels, s * VOLUME, palette);
  for (const k of ['kinds', ...STREAM_ORDER] as const) {
    if (!atEnd(readers[k])) throw new ChunkDecodeError(`${readers[k].what} has ${readers[k].end - readers[k].pos} bytes left over`);
  }
  if (profile) {
    const t1 = performance.now();
    profile.sections += t1 - t0;
    t0 = t1;
  }
  const got = deps.hasher.h64Raw(new Uint8Array(voxels.buffer), 0n);
  if (profile) {
    profile.hash += performance.now() - t0;
    profile.columns++;
  }
  if (got !== checksum) throw new ChunkDecodeError('checksum mismatch');
  return { sectionCount, voxels, uniform };
}

function streamReaders(payload: Uint8Array, sectionCount: number): SectionReaders {
  const head = createByteReader(payload, 'payload');
  const lengths = STREAM_ORDER.map(() => readVarint(head));
  let at = head.pos;
  const take = (what: string, n: number) => {
    if (n > payload.length - at) throw new ChunkDecodeError(`${what} of ${n} bytes runs past the payload`);
    const r = createByteReader(payload, `${what} stream`, at, at + n);
    at += n;
    return r;
  };
  const kinds = take('kinds', sectionCount);
  const [meta, ids, runs, symbols, packed] = STREAM_ORDER.map((k, i) => take(k, lengths[i]));
  if (at !== payload.length) throw new ChunkDecodeError(`${payload.length - at} payload bytes after the streams`);
  return { kinds, meta, ids, runs, symbols, packed };
}
