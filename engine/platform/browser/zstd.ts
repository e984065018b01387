/**
 * The browser zstd binding ({@link Zstd} over fzstd, pure JS): decompression only. The frame must declare its
 * content size (the Node encoder always writes it); the output buffer is allocated at that size, after checking it
 * against `maxSize`, so hostile frames cannot make fzstd allocate more.
 */
import { decompress } from 'fzstd';
import { type Zstd, zstdFrameContentSize } from '../../codec/zstd.ts';

/** zstd through fzstd. `compress` throws: browsers only decode chunks. */
export const browserZstd: Zstd = {
  name: 'fzstd',
  compress() {
    throw new Error('fzstd cannot compress; chunk encoding runs on the server');
  },
  decompress(bytes, maxSize) {
    const size = zstdFrameContentSize(bytes);
    if (size < 0) throw new Error('zstd frame without a content size');
    if (size > maxSize) throw new Error(`zstd frame declares ${size} bytes, more than ${maxSize}`);
    const out = new Uint8Array(size);
    // fzstd writes into `out` (never past it: typed-array writes out of range are dropped) and returns it.
    const got = decompress(bytes, out);
    if (got.length !== size) throw new Error(`zstd frame decoded to ${got.length} bytes, header said ${size}`);
    return got;
  },
};
