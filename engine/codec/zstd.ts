/**
 * The zstd binding the codecs use, as an interface: Node's `node:zlib` on the server
 * (`engine/platform/node/zstd.ts`), fzstd in the browser (`engine/platform/browser/zstd.ts`, decompression only).
 * Both read and write standard zstd frames.
 */

/** A zstd implementation. */
export interface Zstd {
  /** Short name for reports ("node:zlib", "fzstd"). */
  readonly name: string;
  /** Compresses `bytes` as one zstd frame at `level` (1..22). Throws where compression is not available. */
  compress(bytes: Uint8Array, level: number): Uint8Array;
  /**
   * Decompresses one zstd frame whose content is at most `maxSize` bytes. Never allocates more than about
   * `maxSize` bytes; throws (any error) on bad data or on content over `maxSize`.
   */
  decompress(bytes: Uint8Array, maxSize: number): Uint8Array;
}

/**
 * Default zstd level of the chunk codecs. Level 1 is measured on the terrain corpus to be as fast as level 3 and
 * about 2% smaller for these small (~10 KB) payloads; levels 5..9 gain under 1% more for more time.
 */
export const DEFAULT_ZSTD_LEVEL = 1;

/** First four bytes of a zstd frame (0xFD2FB528 little-endian). */
export const ZSTD_MAGIC = 0xfd2fb528;

/**
 * The Frame_Content_Size field of a zstd frame header, or -1 when the header does not declare one (or is not a
 * zstd frame header). Sizes above 2^53 read as Infinity.
 */
export function zstdFrameContentSize(frame: Uint8Array): number {
  if (frame.length < 6) return -1;
  const magic = (frame[0] | (frame[1] << 8) | (frame[2] << 16)) + frame[3] * 0x1000000;
  if (magic !== ZSTD_MAGIC) return -1;
  const fhd = frame[4];
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictFlag = fhd & 3;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (fcsBytes === 0) return -1;
  const at = 5 + (singleSegment ? 0 : 1) + (dictFlag === 3 ? 4 : dictFlag);
  if (at + fcsBytes > frame.length) return -1;
  let size = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) size = size * 256 + frame[at + i];
  if (fcsBytes === 2) size += 256;
  return size > Number.MAX_SAFE_INTEGER ? Infinity : size;
}

/**
 * Byte length of the single zstd frame at the start of `bytes`, found by walking its header and block headers
 * (no decompression), or -1 when they are malformed or run past the end. Lets a decoder refuse trailing bytes.
 */
export function zstdFrameLength(bytes: Uint8Array): number {
  if (bytes.length < 6) return -1;
  const magic = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16)) + bytes[3] * 0x1000000;
  if (magic !== ZSTD_MAGIC) return -1;
  const fhd = bytes[4];
  const fcsFlag = fhd >> 6, singleSegment = (fhd >> 5) & 1, checksum = (fhd >> 2) & 1, dictFlag = fhd & 3;
  if (fhd & 0x08) return -1; // reserved bit
  let at = 5 + (singleSegment ? 0 : 1) + (dictFlag === 3 ? 4 : dictFlag) + (fcsFlag === 0 ? singleSegment : 1 << fcsFlag);
  for (;;) {
    if (at + 3 > bytes.length) return -1;
    const header = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
    at += 3;
    const type = (header >> 1) & 3, size = header >>> 3;
    if (type === 3) return -1;
    at += type === 1 ? 1 : size;
    if (at > bytes.length) return -1;
    if (header & 1) break;
  }
  at += checksum * 4;
  return at > bytes.length ? -1 : at;
}
