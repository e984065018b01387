import { decompress as fzstdDecompress } from 'fzstd';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHUNK_HEADER_BYTES, encodeColumn } from '../../../engine/codec/chunk-codec.ts';
import { zstdFrameContentSize, zstdFrameLength } from '../../../engine/codec/zstd.ts';
import { browserZstd } from '../../../engine/platform/browser/zstd.ts';
import { nodeZstd } from '../../../engine/platform/node/zstd.ts';
import { loadCodecDeps } from '../../support/codec-deps.ts';
import { columnSections, generateColumn } from '../../support/synthetic-terrain.ts';

describe('zstd frames', () => {
  it('the column payload is a standard zstd frame: fzstd and node:zlib decode it to the same bytes', async () => {
    const { node } = await loadCodecDeps();
    const bytes = encodeColumn(columnSections(generateColumn(4, 0, 0)), node);
    const frame = bytes.subarray(CHUNK_HEADER_BYTES);
    const viaZlib = new Uint8Array(zlib.zstdDecompressSync(frame));
    const viaFzstd = fzstdDecompress(frame);
    expect(viaZlib.length).toBeGreaterThan(100);
    expect(Buffer.from(viaFzstd).equals(Buffer.from(viaZlib))).toBe(true);
    expect(zstdFrameContentSize(frame)).toBe(viaZlib.length);
    expect(new DataView(bytes.buffer).getUint32(3, true)).toBe(viaZlib.length);
  });

  it('finds the frame length and content size of frames with checksums, several blocks, raw and RLE blocks', () => {
    const noise = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24);
    const inputs = [new Uint8Array(0), new Uint8Array(5), new Uint8Array(200_000).fill(7), noise, Uint8Array.from({ length: 1000 }, (_, i) => i % 17)];
    for (const input of inputs) {
      for (const params of [{}, { [zlib.constants.ZSTD_c_checksumFlag]: 1 }]) {
        const frame = new Uint8Array(zlib.zstdCompressSync(input, { params }));
        expect(zstdFrameLength(frame)).toBe(frame.length);
        expect(zstdFrameContentSize(frame)).toBe(input.length);
        expect(zstdFrameLength(frame.subarray(0, frame.length - 1))).toBe(-1);
        const longer = new Uint8Array(frame.length + 3);
        longer.set(frame);
        expect(zstdFrameLength(longer)).toBe(frame.length);
      }
    }
    expect(zstdFrameLength(new Uint8Array([1, 2, 3, 4, 5, 6, 7]))).toBe(-1);
    const streamed = new Uint8Array(zlib.zstdCompressSync(new Uint8Array(10), { params: { [zlib.constants.ZSTD_c_contentSizeFlag]: 0 } }));
    expect(zstdFrameContentSize(streamed)).toBe(-1);
  });

  it('both bindings bound decompression by maxSize', () => {
    const frame = nodeZstd.compress(new Uint8Array(100_000), 3);
    expect(nodeZstd.decompress(frame, 100_000).length).toBe(100_000);
    expect(browserZstd.decompress(frame, 100_000).length).toBe(100_000);
    expect(() => nodeZstd.decompress(frame, 99_999)).toThrow();
    expect(() => browserZstd.decompress(frame, 99_999)).toThrow(/more than/);
    expect(() => browserZstd.compress(new Uint8Array(1), 3)).toThrow();
  });
});
