/**
 * Section meshes in the scene: turns the worker pool's {@link MeshedSection}s into three.js meshes (one per
 * 16x16x16 section, placed at its corner), replacing the previous mesh of that section. Faces get a fixed light
 * per direction on top of the ambient occlusion the mesher baked into the colours.
 */
import * as THREE from 'three';
import type { MeshedSection } from '../../../workers/mesh.common.ts';
import { NO_SECTION } from '../../../engine/voxel/section-store.ts';
import { chunkKey, type VoxelWorld } from '../../../engine/voxel/voxel-world.ts';

/** Light per mesh face value (+x, -x, +y, -y, +z, -z): top brightest, bottom darkest, sides in between. */
export const FACE_LIGHT: readonly number[] = [0.8, 0.8, 1, 0.55, 0.68, 0.68];

/** The drawn sections of a world. */
export interface SectionMeshes {
  /** Parent of every section mesh (add it to the scene). */
  readonly group: THREE.Group;
  /** Meshes by section key "cx,sy,cz". */
  readonly byKey: Map<string, THREE.Mesh>;
  /** The material every section shares. */
  readonly material: THREE.Material;
}

/** Creates an empty set of section meshes. */
export function createSectionMeshes(): SectionMeshes {
  const material = new THREE.MeshBasicMaterial({ vertexColors: true });
  return { group: new THREE.Group(), byKey: new Map(), material };
}

/** Multiplies each vertex colour by the light of its face, in place. */
export function shadeByFace(colors: Uint8Array, faces: Uint8Array): void {
  for (let v = 0; v < faces.length; v++) {
    const k = FACE_LIGHT[faces[v]] ?? 1;
    const o = v * 4;
    colors[o] = colors[o] * k;
    colors[o + 1] = colors[o + 1] * k;
    colors[o + 2] = colors[o + 2] * k;
  }
}

const SECTION_SPHERE = new THREE.Sphere(new THREE.Vector3(8, 8, 8), 14);

function removeMesh(set: SectionMeshes, key: string): void {
  const old = set.byKey.get(key);
  if (!old) return;
  set.group.remove(old);
  old.geometry.dispose();
  set.byKey.delete(key);
}

/**
 * Puts freshly meshed sections in the scene. A mesh is skipped when its section id no longer sits at that place in
 * `world` (the column was replaced while the worker ran; the new one is dirty and comes back later).
 */
export function applySectionMeshes(set: SectionMeshes, world: VoxelWorld, meshed: readonly MeshedSection[]): void {
  for (const m of meshed) {
    if (world.columns.get(chunkKey(m.cx, m.cz))?.sections[m.sy] !== m.section || m.section === NO_SECTION) continue;
    const key = `${m.cx},${m.sy},${m.cz}`;
    removeMesh(set, key);
    const { mesh } = m;
    if (mesh.quads === 0) continue;
    shadeByFace(mesh.colors, mesh.faces);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
    geometry.setAttribute('color', new THREE.BufferAttribute(mesh.colors, 4, true));
    geometry.setIndex(new THREE.BufferAttribute(mesh.indices, 1));
    geometry.boundingSphere = SECTION_SPHERE.clone();
    const obj = new THREE.Mesh(geometry, set.material);
    obj.position.set(m.cx * 16, m.sy * 16, m.cz * 16);
    obj.matrixAutoUpdate = false;
    obj.updateMatrix();
    set.group.add(obj);
    set.byKey.set(key, obj);
  }
}

/** Removes every section mesh (e.g. when the client starts a new world). */
export function clearSectionMeshes(set: SectionMeshes): void {
  for (const key of [...set.byKey.keys()]) removeMesh(set, key);
}

/** Vertices drawn by all section meshes. */
export function sectionVertexCount(set: SectionMeshes): number {
  let n = 0;
  for (const m of set.byKey.values()) n += m.geometry.getAttribute('position').count;
  return n;
}
