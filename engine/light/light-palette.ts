/**
 * The light engine's view of a block registry: one byte per uint16 id, {@link LIGHT_PASSES} when light goes
 * through the block (see BlockDef.transparent) plus the light it emits (0..15) in the low 4 bits. Ids the registry
 * does not define (foreign terrain) block light and emit none. It lives in one SharedArrayBuffer so that pool workers
 * read it in place, like the mesh palette.
 */
import type { BlockRegistry } from '../voxel/blocks.ts';

/** Bit of a palette byte: light passes through the block. */
export const LIGHT_PASSES = 16;
/** Mask of a palette byte: the light the block emits. */
export const LIGHT_EMIT = 15;

/** What a worker needs to view a light palette. */
export interface LightPaletteHandles {
  /** 65536 bytes, one per id. */
  buffer: SharedArrayBuffer;
}

/** Per-id light data. */
export interface LightPalette {
  /** The shareable buffer behind {@link bytes}. */
  readonly handles: LightPaletteHandles;
  /** `LIGHT_PASSES | emit` per id. */
  readonly bytes: Uint8Array;
}

/** Builds the light palette of a registry. */
export function createLightPalette(blocks: BlockRegistry): LightPalette {
  const buffer = new SharedArrayBuffer(65536);
  const bytes = new Uint8Array(buffer);
  for (const b of blocks.defs) if (b) bytes[b.id] = (b.transparent ? LIGHT_PASSES : 0) | b.light;
  return { handles: { buffer }, bytes };
}

/** Views a light palette built on another thread. */
export function attachLightPalette(handles: LightPaletteHandles): LightPalette {
  return { handles, bytes: new Uint8Array(handles.buffer) };
}
