/**
 * Peer codecs for the chunk benchmark, run on the same columns: raw uint16 + zstd level 3, raw uint16 + deflate
 * level 6 (vanilla Minecraft zlib-compresses its chunk packets), and optionally Minecraft's own network encoding
 * through `prismarine-chunk` (see `prismarine-peer.ts`).
 */
import zlib from 'node:zlib';
import { nodeZstd } from '../../engine/platform/node/zstd.ts';

/** A peer: whole-column encode and decode. */
export interface PeerCodec {
  /** Name in the table and the JSON `peers` object. */
  name: string;
  /** Encodes a column (corpus layout). */
  encode(column: Uint16Array): Uint8Array;
  /** Decodes back to the corpus layout (`sections * 4096` ids). */
  decode(bytes: Uint8Array, sections: number): Uint16Array;
}

const bytesOf = (c: Uint16Array) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
const idsOf = (b: Uint8Array) => {
  const out = new Uint16Array(b.length >> 1);
  new Uint8Array(out.buffer).set(b.subarray(0, out.length * 2));
  return out;
};

/** raw uint16 + zstd level 3 (node:zlib both ways). */
export const rawZstdPeer: PeerCodec = {
  name: 'raw-zstd3',
  encode: (column) => nodeZstd.compress(bytesOf(column), 3),
  decode: (bytes, sections) => idsOf(nodeZstd.decompress(bytes, sections * 8192)),
};

/** raw uint16 + deflate level 6 (zlib format, as Minecraft's packet compression). */
export const rawDeflatePeer: PeerCodec = {
  name: 'raw-deflate6',
  encode: (column) => new Uint8Array(zlib.deflateSync(bytesOf(column), { level: 6 })),
  decode: (bytes, sections) => idsOf(zlib.inflateSync(bytes, { maxOutputLength: sections * 8192 })),
};
