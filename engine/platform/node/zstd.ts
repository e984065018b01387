/** The Node zstd binding ({@link Zstd} over `node:zlib`, Node >= 22.15): compression and bounded decompression. */
import zlib from 'node:zlib';
import type { Zstd } from '../../codec/zstd.ts';

/** zstd through `node:zlib`. Decompression stops with an error past `maxSize` output bytes. */
export const nodeZstd: Zstd = {
  name: 'node:zlib',
  compress(bytes, level) {
    const out = zlib.zstdCompressSync(bytes, {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_contentSizeFlag]: 1 },
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  decompress(bytes, maxSize) {
    const out = zlib.zstdDecompressSync(bytes, { maxOutputLength: Math.max(1, maxSize) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};
