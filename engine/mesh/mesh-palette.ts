/**
 * The mesher's view of a block registry: for every uint16 id, how it is drawn (not at all, opaque, or
 * see-through) and its RGBA colour. It lives in one SharedArrayBuffer so that mesh workers read it in place, like
 * the voxel slabs; build it once per registry on the owner thread and pass its handles with every task.
 */
import { BlockFlag, type BlockRegistry } from '../voxel/blocks.ts';

/** Render class bits of an id, as stored in {@link MeshPalette.render}. */
export const Render = {
  /** The block has faces of its own (solid or liquid). */
  Drawn: 1,
  /** The block hides its neighbours' faces and darkens their corners (ambient occlusion). */
  Opaque: 2,
} as const;

/** Alpha given to see-through blocks (glass, leaves, water), so a renderer can blend them. */
export const SEE_THROUGH_ALPHA = 160;

/** What a worker needs to view a palette: its one buffer. */
export interface MeshPaletteHandles {
  /** 65536 RGBA colours (uint32, 0xRRGGBBAA read as big-endian bytes R, G, B, A), then 65536 render bytes. */
  buffer: SharedArrayBuffer;
}

/** Per-id render data for the mesher. */
export interface MeshPalette {
  /** The shareable buffer behind the views below. */
  readonly handles: MeshPaletteHandles;
  /** Colour bytes per id: R, G, B, A at `id * 4`. 262,144 bytes. */
  readonly rgba: Uint8Array;
  /** {@link Render} bits per id, 65536 entries; id 0 (air) is always 0. */
  readonly render: Uint8Array;
}

const IDS = 65536;

function view(buffer: SharedArrayBuffer): MeshPalette {
  return { handles: { buffer }, rgba: new Uint8Array(buffer, 0, IDS * 4), render: new Uint8Array(buffer, IDS * 4, IDS) };
}

/**
 * A stable colour for an id the registry does not define (foreign terrain such as Minecraft block states):
 * 0xRRGGBB with each channel in 64..223, so that neighbouring ids are told apart and none is black or white.
 */
export function fallbackColor(id: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  const r = 64 + ((h >>> 16) & 0xff) % 160, g = 64 + ((h >>> 8) & 0xff) % 160, b = 64 + (h & 0xff) % 160;
  return (r << 16) | (g << 8) | b;
}

/** Builds the palette of a registry: defined ids take their colour, unknown ids a {@link fallbackColor}. */
export function createMeshPalette(blocks: BlockRegistry): MeshPalette {
  const p = view(new SharedArrayBuffer(IDS * 5));
  const { Solid, Opaque, Liquid, SeeThrough } = BlockFlag;
  for (let id = 1; id < IDS; id++) {
    const f = blocks.flags[id];
    const drawn = (f & (Solid | Liquid | Opaque)) !== 0;
    const opaque = (f & Opaque) !== 0;
    p.render[id] = (drawn ? Render.Drawn : 0) | (opaque ? Render.Opaque : 0);
    const color = blocks.defs[id]?.color ?? fallbackColor(id);
    const o = id * 4;
    p.rgba[o] = (color >>> 16) & 0xff;
    p.rgba[o + 1] = (color >>> 8) & 0xff;
    p.rgba[o + 2] = color & 0xff;
    p.rgba[o + 3] = f & SeeThrough ? SEE_THROUGH_ALPHA : 255;
  }
  return p;
}

/** Views a palette built on another thread (same memory, no copy). */
export function attachMeshPalette(handles: MeshPaletteHandles): MeshPalette {
  return view(handles.buffer);
}
