/**
 * An independent, slow reference for mesh tests: which unit faces of a section should be drawn (read through
 * `getBlock`, not the mesher's padded gather), the expected AO of each face corner, and a checker that a mesh
 * covers exactly those faces, once each, with the right colour, AO and winding.
 */
import { BlockFlag } from '../../engine/voxel/blocks.ts';
import { NO_SECTION, sectionLight } from '../../engine/voxel/section-store.ts';
import { getBlock, getColumn, type VoxelWorld } from '../../engine/voxel/voxel-world.ts';
import { AO_LIGHT, FACE_NORMALS, type SectionMesh } from '../../engine/mesh/section-mesh.ts';
import type { MeshPalette } from '../../engine/mesh/mesh-palette.ts';

const { Solid, Opaque, Liquid } = BlockFlag;

function opaque(w: VoxelWorld, x: number, y: number, z: number): number {
  return w.blocks.flags[getBlock(w, x, y, z)] & Opaque ? 1 : 0;
}

/** True when the face of block (x, y, z) towards FACE_NORMALS[face] must be drawn. */
export function faceExposed(w: VoxelWorld, x: number, y: number, z: number, face: number): boolean {
  const a = getBlock(w, x, y, z);
  const fa = w.blocks.flags[a];
  if ((fa & (Solid | Liquid | Opaque)) === 0) return false;
  const [nx, ny, nz] = FACE_NORMALS[face];
  const b = getBlock(w, x + nx, y + ny, z + nz);
  if (w.blocks.flags[b] & Opaque) return false;
  return !((fa & Opaque) === 0 && a === b);
}

/** World axes (0 x, 1 y, 2 z) of a face: its normal axis a and the in-plane axes u, v. */
function axes(face: number): [a: number, u: number, v: number] {
  const a = face >> 1;
  return [a, (a + 1) % 3, (a + 2) % 3];
}

/** Reference AO of the corner of unit face (block p, face) at in-plane offsets du, dv (0 or 1). */
export function cornerAo(w: VoxelWorld, p: readonly number[], face: number, du: number, dv: number): number {
  const [a, u, v] = axes(face);
  const q = [p[0], p[1], p[2]];
  q[a] += face & 1 ? -1 : 1;
  const at = (ou: number, ov: number): number => {
    const r = [q[0], q[1], q[2]];
    r[u] += ou; r[v] += ov;
    return opaque(w, r[0], r[1], r[2]);
  };
  const su = du ? 1 : -1, sv = dv ? 1 : -1;
  const s1 = at(su, 0), s2 = at(0, sv), c = at(su, sv);
  return s1 && s2 ? 0 : 3 - s1 - s2 - c;
}

/** The stored light byte at (x, y, z), read straight from the section (no light update): open sky where none is. */
function storedLight(w: VoxelWorld, x: number, y: number, z: number): number {
  if (y < 0) return 0;
  if (y >= w.height) return 0xf0;
  const id = getColumn(w, x >> 4, z >> 4)?.sections[y >> 4] ?? NO_SECTION;
  return id === NO_SECTION ? 0xf0 : sectionLight(w.store, id)[((y & 15) << 8) | ((z & 15) << 4) | (x & 15)];
}

/**
 * Reference smooth light of the corner of unit face (block p, face) at in-plane offsets du, dv (0 or 1): [sky,
 * block] bytes, each round(17 * average level) over the open voxel in front and those of its 3 corner neighbours
 * that are not opaque (the diagonal only when a side is open).
 */
export function cornerLight(w: VoxelWorld, p: readonly number[], face: number, du: number, dv: number): [number, number] {
  const [a, u, v] = axes(face);
  const q = [p[0], p[1], p[2]];
  q[a] += face & 1 ? -1 : 1;
  const cell = (ou: number, ov: number): number[] => { const r = [q[0], q[1], q[2]]; r[u] += ou; r[v] += ov; return r; };
  const su = du ? 1 : -1, sv = dv ? 1 : -1;
  const open = (r: number[]): boolean => !opaque(w, r[0], r[1], r[2]);
  const cells = [cell(0, 0)];
  if (open(cell(su, 0))) cells.push(cell(su, 0));
  if (open(cell(0, sv))) cells.push(cell(0, sv));
  if ((open(cell(su, 0)) || open(cell(0, sv))) && open(cell(su, sv))) cells.push(cell(su, sv));
  const ls = cells.map((r) => storedLight(w, r[0], r[1], r[2]));
  const avg = (f: (l: number) => number): number => Math.round((ls.reduce((n, l) => n + f(l), 0) * 17) / ls.length);
  return [avg((l) => l >> 4), avg((l) => l & 15)];
}

/** Number of exposed unit faces of section (cx, sy, cz). */
export function countExposedFaces(w: VoxelWorld, cx: number, sy: number, cz: number): number {
  let n = 0;
  for (let y = 0; y < 16; y++) for (let z = 0; z < 16; z++) for (let x = 0; x < 16; x++) {
    for (let f = 0; f < 6; f++) if (faceExposed(w, cx * 16 + x, sy * 16 + y, cz * 16 + z, f)) n++;
  }
  return n;
}

/** Sum of the quads' areas in unit faces. */
export function quadArea(mesh: SectionMesh): number {
  let area = 0;
  for (let q = 0; q < mesh.quads; q++) {
    const [, u, v] = axes(mesh.faces[q * 4]);
    let minU = 99, maxU = -1, minV = 99, maxV = -1;
    for (let c = 0; c < 4; c++) {
      const p = (q * 4 + c) * 3;
      minU = Math.min(minU, mesh.positions[p + u]); maxU = Math.max(maxU, mesh.positions[p + u]);
      minV = Math.min(minV, mesh.positions[p + v]); maxV = Math.max(maxV, mesh.positions[p + v]);
    }
    area += (maxU - minU) * (maxV - minV);
  }
  return area;
}

/**
 * Checks a section's mesh against the reference and returns a list of problems (empty when it is right): every
 * exposed face covered by exactly one quad and nothing else covered; each covered face's block colour, corner AO
 * and corner light equal to the quad's vertex colour, AO and light (so faces of different light never merge); triangles wound counter-clockwise seen from outside and split along
 * the brighter diagonal.
 */
export function checkSectionMesh(w: VoxelWorld, palette: MeshPalette, cx: number, sy: number, cz: number, mesh: SectionMesh): string[] {
  const problems: string[] = [];
  const covered = new Set<number>();
  const ox = cx * 16, oy = sy * 16, oz = cz * 16;
  if (mesh.vertices !== mesh.quads * 4 || mesh.indices.length !== mesh.quads * 6) problems.push('counts');
  for (let q = 0; q < mesh.quads && problems.length < 20; q++) {
    const face = mesh.faces[q * 4];
    const [a, u, v] = axes(face);
    const pos = (c: number, axis: number): number => mesh.positions[(q * 4 + c) * 3 + axis];
    const plane = pos(0, a);
    const us = [0, 1, 2, 3].map((c) => pos(c, u)), vs = [0, 1, 2, 3].map((c) => pos(c, v));
    const minU = Math.min(...us), maxU = Math.max(...us), minV = Math.min(...vs), maxV = Math.max(...vs);
    const vertexAt = (du: number, dv: number): number => {
      for (let c = 0; c < 4; c++) if (us[c] === (du ? maxU : minU) && vs[c] === (dv ? maxV : minV)) return q * 4 + c;
      return -1;
    };
    const aoAt = (du: number, dv: number): number => mesh.ao[vertexAt(du, dv)] ?? -1;
    for (let c = 0; c < 4; c++) {
      if (mesh.faces[q * 4 + c] !== face || pos(c, a) !== plane) problems.push(`quad ${q}: vertices not coplanar`);
    }
    for (let cu = minU; cu < maxU; cu++) for (let cv = minV; cv < maxV; cv++) {
      const local = [0, 0, 0];
      local[a] = face & 1 ? plane : plane - 1;
      local[u] = cu; local[v] = cv;
      const p = [ox + local[0], oy + local[1], oz + local[2]];
      const key = ((local[1] * 16 + local[2]) * 16 + local[0]) * 6 + face;
      if (covered.has(key)) problems.push(`face ${local} ${face} covered twice`);
      covered.add(key);
      if (!faceExposed(w, p[0], p[1], p[2], face)) { problems.push(`face ${local} ${face} drawn but hidden`); continue; }
      const id = getBlock(w, p[0], p[1], p[2]);
      for (const [du, dv] of [[0, 0], [1, 0], [1, 1], [0, 1]]) {
        const want = cornerAo(w, p, face, du, dv);
        const got = aoAt(du, dv);
        if (want !== got) problems.push(`face ${local} ${face} corner ${du},${dv}: ao ${got}, want ${want}`);
        const [sky, block] = cornerLight(w, p, face, du, dv);
        const vi = vertexAt(du, dv);
        if (mesh.light[vi * 2] !== sky || mesh.light[vi * 2 + 1] !== block) {
          problems.push(`face ${local} ${face} corner ${du},${dv}: light ${mesh.light[vi * 2]},${mesh.light[vi * 2 + 1]}, want ${sky},${block}`);
        }
      }
      for (let c = 0; c < 4; c++) {
        const vi = q * 4 + c, ao = mesh.ao[vi];
        for (let ch = 0; ch < 3; ch++) {
          const want = Math.round(palette.rgba[id * 4 + ch] * AO_LIGHT[ao]);
          if (mesh.colors[vi * 4 + ch] !== want) { problems.push(`quad ${q} vertex ${c}: colour is not block ${id}'s`); break; }
        }
      }
    }
    // The two triangles share the diagonal between the brighter pair of corners (summed AO).
    const tri = [0, 1, 2, 3, 4, 5].map((k) => mesh.indices[q * 6 + k] - q * 4);
    const shared = tri.slice(0, 3).filter((i) => tri.slice(3).includes(i));
    const other = [0, 1, 2, 3].filter((i) => !shared.includes(i));
    const sum = (pair: number[]): number => pair.reduce((n, i) => n + mesh.ao[q * 4 + i], 0);
    if (shared.length !== 2 || sum(shared) < sum(other)) problems.push(`quad ${q}: split along the darker diagonal`);
    for (let t = 0; t < 2; t++) {
      const [i0, i1, i2] = [0, 1, 2].map((k) => mesh.indices[q * 6 + t * 3 + k]);
      if ([i0, i1, i2].some((i) => i < q * 4 || i >= q * 4 + 4)) { problems.push(`quad ${q}: index outside its quad`); continue; }
      const P = (i: number): number[] => [0, 1, 2].map((k) => mesh.positions[i * 3 + k]);
      const [p0, p1, p2] = [P(i0), P(i1), P(i2)];
      const e1 = p1.map((x, k) => x - p0[k]), e2 = p2.map((x, k) => x - p0[k]);
      const n = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
      const dot = n[0] * FACE_NORMALS[face][0] + n[1] * FACE_NORMALS[face][1] + n[2] * FACE_NORMALS[face][2];
      if (dot <= 0) problems.push(`quad ${q} triangle ${t}: wound the wrong way`);
    }
  }
  const want = countExposedFaces(w, cx, sy, cz);
  if (covered.size !== want) problems.push(`covered ${covered.size} faces, ${want} exposed`);
  return problems;
}
