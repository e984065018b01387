/**
 * Section updates: what the server sends when a section of a column the client already has changes. The encoder
 * writes a diff (changed voxel indices and their new ids, both RLE-packed) or the whole section through the chunk
 * codec, whichever is smaller. Pure functions.
 *
 * Wire format, first byte {@link SectionUpdateKind}:
 *
 * - Diff (0x44 'D'): 8 bytes xxhash64 (seed 0) of the section after the update (4096 ids as little-endian uint16),
 *   then varint runCount and per run varint(start - end of the previous run) and varint(length - 1): the changed
 *   indices, ascending; then varint idRunCount and per id run varint(id) and varint(count - 1): the new ids of the
 *   changed voxels in index order. The lengths and counts must have the same sum, and every run lies in 0..4095.
 * - Full (0x46 'F'): an encoded one-section column (`chunk-codec.ts`), which carries its own checksum.
 *
 * Where the section sits (column, section y) is the enclosing message's business.
 */
import {
  atEnd, createByteReader, createByteWriter, readVarint, writeBytes, writeU8, writeVarint, written,
} from './byte-io.ts';
import { CHUNK_HEADER_BYTES, type ChunkCodecDeps, decodeColumn, encodeColumn, type EncodeColumnOptions } from './chunk-codec.ts';
import { ChunkDecodeError } from './chunk-decode-error.ts';

/** First byte of a section update. */
export const SectionUpdateKind = {
  /** Changed indices and ids. */
  Diff: 0x44,
  /** The whole section, chunk-codec encoded. */
  Full: 0x46,
} as const;

const VOLUME = 4096;

/** No full-section update is smaller than this: kind byte, codec header, and a zstd frame of >= 9 bytes. */
export const MIN_FULL_UPDATE_BYTES = 1 + CHUNK_HEADER_BYTES + 9;
const ZERO = new Uint16Array(VOLUME);

/** xxhash64 (seed 0) of a section's 4096 ids as little-endian uint16; null is all air. */
function sectionHash(deps: Pick<ChunkCodecDeps, 'hasher'>, voxels: Uint16Array | null): bigint {
  const v = voxels ?? ZERO;
  return deps.hasher.h64Raw(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), 0n);
}

/** The diff form of an update from `before` to `after` (4096 ids each, null for all air). */
export function diffSection(before: Uint16Array | null, after: Uint16Array | null, deps: Pick<ChunkCodecDeps, 'hasher'>): Uint8Array {
  const a = before ?? ZERO, b = after ?? ZERO;
  if (a.length !== VOLUME || b.length !== VOLUME) throw new RangeError(`sections have ${VOLUME} voxels`);
  const runs = createByteWriter(64), ids = createByteWriter(64);
  let runCount = 0, idRunCount = 0, prevEnd = 0, lastId = -1, lastCount = 0;
  for (let i = 0; i < VOLUME;) {
    if (a[i] === b[i]) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < VOLUME && a[j] !== b[j]) j++;
    writeVarint(runs, i - prevEnd);
    writeVarint(runs, j - i - 1);
    runCount++;
    for (let k = i; k < j; k++) {
      if (b[k] === lastId) lastCount++;
      else {
        if (lastCount) {
          writeVarint(ids, lastId);
          writeVarint(ids, lastCount - 1);
          idRunCount++;
        }
        lastId = b[k];
        lastCount = 1;
      }
    }
    prevEnd = j;
    i = j;
  }
  if (lastCount) {
    writeVarint(ids, lastId);
    writeVarint(ids, lastCount - 1);
    idRunCount++;
  }
  const out = createByteWriter(20 + runs.length + ids.length);
  writeU8(out, SectionUpdateKind.Diff);
  const h = sectionHash(deps, after);
  for (let k = 0n; k < 64n; k += 8n) writeU8(out, Number((h >> k) & 0xffn));
  writeVarint(out, runCount);
  writeBytes(out, written(runs));
  writeVarint(out, idRunCount);
  writeBytes(out, written(ids));
  return written(out).slice();
}

/** Encodes the update from `before` to `after` as a diff or a full section, whichever is smaller. */
export function encodeSectionUpdate(
  before: Uint16Array | null, after: Uint16Array | null, deps: ChunkCodecDeps, options: EncodeColumnOptions = {},
): Uint8Array {
  const diff = diffSection(before, after, deps);
  // Skip encoding the full form when the diff is already smaller than any full form could be.
  if (diff.length <= MIN_FULL_UPDATE_BYTES) return diff;
  const full = encodeColumn([after], deps, options);
  if (diff.length <= full.length + 1) return diff;
  const out = new Uint8Array(full.length + 1);
  out[0] = SectionUpdateKind.Full;
  out.set(full, 1);
  return out;
}

/**
 * Applies an update to `base` (the client's current section, null for all air) and returns the new section (a new
 * array; `base` is not modified). Validates everything, including the checksum of the result; throws
 * {@link ChunkDecodeError} on any failure.
 */
export function applySectionUpdate(base: Uint16Array | null, update: Uint8Array, deps: ChunkCodecDeps): Uint16Array {
  if (!(update instanceof Uint8Array) || update.length < 1) throw new ChunkDecodeError('empty section update');
  if (base !== null && base.length !== VOLUME) throw new RangeError(`sections have ${VOLUME} voxels`);
  if (update[0] === SectionUpdateKind.Full) {
    const col = decodeColumn(update.subarray(1), deps, { maxSections: 1 });
    return col.voxels;
  }
  if (update[0] !== SectionUpdateKind.Diff) throw new ChunkDecodeError(`unknown section update kind 0x${update[0].toString(16)}`);
  if (update.length < 9) throw new ChunkDecodeError('section diff: truncated');
  const r = createByteReader(update, 'section diff', 9);
  const runCount = readVarint(r);
  if (runCount > VOLUME / 2 + 1) throw new ChunkDecodeError(`section diff: ${runCount} runs`);
  const starts = new Uint16Array(runCount), ends = new Uint16Array(runCount);
  let end = 0, changed = 0;
  for (let k = 0; k < runCount; k++) {
    const start = end + readVarint(r);
    const len = readVarint(r) + 1;
    if (start + len > VOLUME) throw new ChunkDecodeError(`section diff: run ${start}+${len} past ${VOLUME}`);
    if (k > 0 && start === end) throw new ChunkDecodeError('section diff: adjacent runs');
    starts[k] = start;
    ends[k] = end = start + len;
    changed += len;
  }
  const out = base ? base.slice() : new Uint16Array(VOLUME);
  const idRunCount = readVarint(r);
  if (idRunCount > changed) throw new ChunkDecodeError(`section diff: ${idRunCount} id runs for ${changed} voxels`);
  let run = 0, p = runCount ? starts[0] : 0, written = 0;
  for (let k = 0; k < idRunCount; k++) {
    const id = readVarint(r);
    const count = readVarint(r) + 1;
    if (id > 0xffff) throw new ChunkDecodeError(`section diff: id ${id} over 65535`);
    if (count > changed - written) throw new ChunkDecodeError('section diff: more ids than changed voxels');
    for (let c = 0; c < count; c++) {
      out[p++] = id;
      if (p === ends[run] && ++run < runCount) p = starts[run];
    }
    written += count;
  }
  if (written !== changed) throw new ChunkDecodeError(`section diff: ${written} ids for ${changed} changed voxels`);
  if (!atEnd(r)) throw new ChunkDecodeError('section diff: bytes left over');
  const dv = new DataView(update.buffer, update.byteOffset, update.byteLength);
  if (sectionHash(deps, out) !== dv.getBigUint64(1, true)) throw new ChunkDecodeError('section diff: checksum mismatch (wrong base?)');
  return out;
}
