/**
 * Optional peer: Minecraft's own chunk network encoding (the paletted sections of the chunk data packet) through
 * `prismarine-chunk`, then zlib as the vanilla packet compression does. It needs `prismarine-chunk`, `vec3` and
 * `minecraft-data` (~500 MB), which are not in the default install:
 *
 *     npm install --no-save prismarine-chunk minecraft-data vec3
 *
 * Without them the peer is skipped with a note. The block-state ids of the corpus are those of its Minecraft
 * version (from the corpus's `.json` sidecar), which prismarine-chunk must be loaded for.
 */
import zlib from 'node:zlib';
import type { PeerCodec } from './peers.ts';

/** Loads the peer for Minecraft `version` ("1.20.6"), or returns why it cannot. */
export async function loadPrismarinePeer(version: string | undefined): Promise<PeerCodec | string> {
  if (!version) return 'prismarine-chunk peer skipped: no Minecraft version (corpus .json sidecar missing)';
  let loader: (v: string) => any, Vec3: new (x: number, y: number, z: number) => unknown;
  try {
    const chunkName = 'prismarine-chunk', vecName = 'vec3';
    loader = ((await import(chunkName)) as any).default;
    Vec3 = ((await import(vecName)) as any).Vec3 ?? ((await import(vecName)) as any).default.Vec3;
    await import('minecraft-data' as string);
  } catch {
    return 'prismarine-chunk peer skipped: install prismarine-chunk, minecraft-data and vec3 (not in the default install)';
  }
  const Chunk = loader(version);
  const options = { minY: -64, worldHeight: 384 };
  return {
    name: 'prismarine-chunk+zlib',
    encode(column) {
      const chunk = new Chunk(options);
      const sections = column.length / 4096;
      for (let i = 0; i < column.length; i++) {
        const id = column[i];
        if (id === 0) continue;
        const s = i >> 12, v = i & 4095;
        chunk.setBlockStateId(new Vec3(v & 15, options.minY + s * 16 + (v >> 8), (v >> 4) & 15), id);
      }
      if (sections * 16 !== options.worldHeight) throw new Error('prismarine peer needs 24-section columns');
      return new Uint8Array(zlib.deflateSync(chunk.dump()));
    },
    decode(bytes, sections) {
      const chunk = new Chunk(options);
      chunk.load(zlib.inflateSync(bytes));
      const out = new Uint16Array(sections * 4096);
      for (let i = 0; i < out.length; i++) {
        const s = i >> 12, v = i & 4095;
        out[i] = chunk.getBlockStateId(new Vec3(v & 15, options.minY + s * 16 + (v >> 8), (v >> 4) & 15));
      }
      return out;
    },
  };
}
