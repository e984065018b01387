/**
 * The output of meshing one section: quads as plain typed arrays ready for GPU buffers, all viewing one
 * ArrayBuffer (shared by the meshes of one batch, so one buffer moves a batch between threads). Also the growable
 * builder the mesher writes quads into, reused from section to section, and {@link packMeshes} that copies built
 * meshes out of it.
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
  /**
   * Smooth light per vertex, 2 bytes: sky, then block light, each 0..255 (light level 0..15 times 17: 255 is level
   * 15), the average of the up to 4 voxels around the corner on the face's open side (opaque ones left out, and the
   * diagonal one when both sides are opaque). Not applied to `colors`: a renderer multiplies, e.g.
   * `max(sky * daylight, block)` as a normalized vec2 attribute.
   */
  light: Uint8Array;
  /** Triangle indices, 6 per quad; 16-bit when the vertices fit, else 32-bit. */
  indices: Uint16Array | Uint32Array;
  /** The buffer the arrays above view; meshes packed in one batch share it (see each array's byteOffset). */
  buffer: ArrayBuffer;
}

/** Bytes of a mesh's own arrays (not the whole shared buffer). */
export function meshBytes(m: SectionMesh): number {
  return m.colors.byteLength + m.positions.byteLength + m.faces.byteLength + m.ao.byteLength + m.light.byteLength + m.indices.byteLength;
}

/** Light factor per ambient-occlusion value 0..3, applied to the vertex colour. */
export const AO_LIGHT: readonly number[] = [0.5, 0.68, 0.84, 1];

/** Growable quad storage the mesher writes into; {@link packMeshes} copies it into {@link SectionMesh}es. */
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
  /** 8 bytes per quad (sky, block per vertex). */
  light: Uint8Array;
  /** 1 per quad: split along the 1-3 diagonal instead of 0-2. */
  flips: Uint8Array;
}

/** Creates an empty builder. */
export function createMeshBuilder(capacity = 2048): MeshBuilder {
  return {
    quads: 0, capacity,
    positions: new Uint8Array(capacity * 12), faces: new Uint8Array(capacity * 4), ao: new Uint8Array(capacity * 4),
    colors: new Uint8Array(capacity * 16), light: new Uint8Array(capacity * 8), flips: new Uint8Array(capacity),
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
  b.light = grown(b.light, cap * 8);
  b.flips = grown(b.flips, cap);
  b.capacity = cap;
}

function indexBytes(quads: number): number {
  return quads * 6 * (quads * 4 > 65536 ? 4 : 2);
}

/**
 * Copies the built quads into meshes, one per range, all viewing one new, exactly sized ArrayBuffer (one
 * allocation per batch; transfer or copy that one buffer). Mesh `i` holds quads `bounds[i]` to `bounds[i + 1]`.
 * Empties the builder.
 */
export function packMeshes(b: MeshBuilder, bounds: ArrayLike<number>): SectionMesh[] {
  let total = 0;
  for (let m = 0; m + 1 < bounds.length; m++) {
    const q = bounds[m + 1] - bounds[m];
    total += 44 * q + indexBytes(q);
  }
  const buffer = new ArrayBuffer(total);
  const out: SectionMesh[] = [];
  let at = 0;
  for (let m = 0; m + 1 < bounds.length; m++) {
    out.push(packRange(b, bounds[m], bounds[m + 1], buffer, at));
    at += 44 * (bounds[m + 1] - bounds[m]) + indexBytes(bounds[m + 1] - bounds[m]);
  }
  b.quads = 0;
  return out;
}

function packRange(b: MeshBuilder, from: number, to: number, buffer: ArrayBuffer, at: number): SectionMesh {
  const q = to - from, n = q * 4, v0 = from * 4;
  // Layout: colors (4n), positions (3n), faces (n), ao (n), light (2n), indices. 11n = 44q keeps the indices 4-byte
  // aligned, and every block is a multiple of 4 bytes long, so the next mesh starts aligned too.
  const colors = new Uint8Array(buffer, at, 4 * n);
  const positions = new Uint8Array(buffer, at + 4 * n, 3 * n);
  const faces = new Uint8Array(buffer, at + 7 * n, n);
  const ao = new Uint8Array(buffer, at + 8 * n, n);
  const light = new Uint8Array(buffer, at + 9 * n, 2 * n);
  const indices = n > 65536 ? new Uint32Array(buffer, at + 11 * n, q * 6) : new Uint16Array(buffer, at + 11 * n, q * 6);
  colors.set(b.colors.subarray(4 * v0, 4 * (v0 + n)));
  positions.set(b.positions.subarray(3 * v0, 3 * (v0 + n)));
  faces.set(b.faces.subarray(v0, v0 + n));
  ao.set(b.ao.subarray(v0, v0 + n));
  light.set(b.light.subarray(2 * v0, 2 * (v0 + n)));
  const flips = b.flips;
  for (let i = 0, v = 0, k = 0; i < q; i++, v += 4, k += 6) {
    if (flips[from + i]) {
      indices[k] = v + 1; indices[k + 1] = v + 2; indices[k + 2] = v + 3;
      indices[k + 3] = v + 1; indices[k + 4] = v + 3; indices[k + 5] = v;
    } else {
      indices[k] = v; indices[k + 1] = v + 1; indices[k + 2] = v + 2;
      indices[k + 3] = v; indices[k + 4] = v + 2; indices[k + 5] = v + 3;
    }
  }
  return { quads: q, vertices: n, positions, faces, ao, colors, light, indices, buffer };
}
