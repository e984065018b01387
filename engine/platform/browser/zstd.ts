/**
 * The browser zstd binding ({@link Zstd} over fzstd, pure JS): decompression only. The input must be exactly one
 * frame that declares its content size (the Node encoder always writes it); that size is checked against `maxSize`
 * before fzstd runs, and fzstd then allocates exactly that much for the output, so hostile frames cannot make it
 * allocate more.
 */
import { decompress } from 'fzstd';
import { type Zstd, zstdFrameContentSize, zstdFrameLength } from '../../codec/zstd.ts';

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
    if (zstdFrameLength(bytes) !== bytes.length) throw new Error('not exactly one zstd frame');
    // With a declared size of 0, fzstd would size its buffer by the window instead: nothing to decode anyway.
    if (size === 0) return new Uint8Array(0);
    // No output buffer is passed on purpose: fzstd then allocates the declared size (checked above), and it avoids
    // fzstd comparing the buffer with a number, which stringifies the whole buffer on every call.
    const got = decompress(bytes);
    if (got.length !== size) throw new Error(`zstd frame decoded to ${got.length} bytes, header said ${size}`);
    return got;
  },
};
