/**
 * The output of meshing one section: quads as plain typed arrays ready for GPU buffers, all viewing one
 * ArrayBuffer (transfer that one buffer to move the mesh between threads). Also the growable builder the mesher
 * writes quads into, reused from section to section, and {@link packMesh} that copies a built mesh out of it.
 *
 * Each quad has 4 vertices (corners in counter-clockwise order seen from outside) and 6 indices (2 triangles).
 */

/** Face directions; the value is stored per vertex in {@link SectionMesh.faces}. */
export const Face = {
  /** Facing +x (east). */
  PosX: 0,
  /** Facing -x. */
  NegX: 1,
  /** Facing +y (up). */
  PosY: 2,
  /** Facing -y. */
  NegY: 3,
  /** Facing +z. */
  PosZ: 4,
  /** Facing -z. */
  NegZ: 5,
} as const;

/** Unit normal of each {@link Face}, by face value. */
export const FACE_NORMALS: readonly (readonly [number, number, number])[] = [
  [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1],
];

/** A section's mesh. Vertex attributes are separate arrays (one entry per vertex, `vertices` entries). */
export interface SectionMesh {
  /** Number of quads. */
  quads: number;
  /** Number of vertices (4 per quad). */
  vertices: number;
  /** Vertex positions: x, y, z per vertex, in blocks relative to the section's minimum corner (0..16). */
  positions: Uint8Array;
  /** {@link Face} per vertex (the shader derives the normal from it). */
  faces: Uint8Array;
  /** Ambient occlusion per vertex: 0 (darkest corner) .. 3 (open). Already applied to `colors`. */
  ao: Uint8Array;
  /** Colour per vertex: R, G, B, A bytes; the block colour darkened by {@link AO_LIGHT}. */
  colors: Uint8Array;
  /** Triangle indices, 6 per quad; 16-bit when the vertices fit, else 32-bit. */
  indices: Uint16Array | Uint32Array;
  /** The one buffer every array above views. */
  buffer: ArrayBuffer;
}

/** Light factor per ambient-occlusion value 0..3, applied to the vertex colour. */
export const AO_LIGHT: readonly number[] = [0.5, 0.68, 0.84, 1];

/** Growable quad storage the mesher writes into; {@link packMesh} copies it into a {@link SectionMesh}. */
export interface MeshBuilder {
  /** Quads written so far. */
  quads: number;
  /** Quads the arrays below can hold. */
  capacity: number;
  /** 12 bytes per quad (3 per vertex). */
  positions: Uint8Array;
  /** 4 bytes per quad. */
  faces: Uint8Array;
  /** 4 bytes per quad. */
  ao: Uint8Array;
  /** 16 bytes per quad. */
  colors: Uint8Array;
  /** 1 per quad: split along the 1-3 diagonal instead of 0-2. */
  flips: Uint8Array;
}

/** Creates an empty builder. */
export function createMeshBuilder(capacity = 2048): MeshBuilder {
  return {
    quads: 0, capacity,
    positions: new Uint8Array(capacity * 12), faces: new Uint8Array(capacity * 4), ao: new Uint8Array(capacity * 4),
    colors: new Uint8Array(capacity * 16), flips: new Uint8Array(capacity),
  };
}

function grown(a: Uint8Array, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b.set(a);
  return b;
}

/** Makes room for `more` quads beyond those written. */
export function reserveQuads(b: MeshBuilder, more: number): void {
  const need = b.quads + more;
  if (need <= b.capacity) return;
  const cap = Math.max(need, b.capacity * 2);
  b.positions = grown(b.positions, cap * 12);
  b.faces = grown(b.faces, cap * 4);
  b.ao = grown(b.ao, cap * 4);
  b.colors = grown(b.colors, cap * 16);
  b.flips = grown(b.flips, cap);
  b.capacity = cap;
}

/** Copies the built quads into a new, exactly sized {@link SectionMesh} (one allocation) and empties the builder. */
export function packMesh(b: MeshBuilder): SectionMesh {
  const q = b.quads, n = q * 4;
  const wide = n > 65536;
  const indexBytes = q * 6 * (wide ? 4 : 2);
  // Layout: colors (4n), positions (3n), faces (n), ao (n), indices. 9n = 36q keeps the indices 4-byte aligned.
  const buffer = new ArrayBuffer(9 * n + indexBytes);
  const colors = new Uint8Array(buffer, 0, 4 * n);
  const positions = new Uint8Array(buffer, 4 * n, 3 * n);
  const faces = new Uint8Array(buffer, 7 * n, n);
  const ao = new Uint8Array(buffer, 8 * n, n);
  const indices = wide ? new Uint32Array(buffer, 9 * n, q * 6) : new Uint16Array(buffer, 9 * n, q * 6);
  colors.set(b.colors.subarray(0, 4 * n));
  positions.set(b.positions.subarray(0, 3 * n));
  faces.set(b.faces.subarray(0, n));
  ao.set(b.ao.subarray(0, n));
  const flips = b.flips;
  for (let i = 0, v = 0, k = 0; i < q; i++, v += 4, k += 6) {
    if (flips[i]) {
      indices[k] = v + 1; indices[k + 1] = v + 2; indices[k + 2] = v + 3;
      indices[k + 3] = v + 1; indices[k + 4] = v + 3; indices[k + 5] = v;
    } else {
      indices[k] = v; indices[k + 1] = v + 1; indices[k + 2] = v + 2;
      indices[k + 3] = v; indices[k + 4] = v + 2; indices[k + 5] = v + 3;
    }
  }
  b.quads = 0;
  return { quads: q, vertices: n, positions, faces, ao, colors, indices, buffer };
}
