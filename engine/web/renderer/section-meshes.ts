/**
 * Section meshes in the scene: turns the worker pool's {@link MeshedSection}s into three.js meshes (one per
 * 16x16x16 section, placed at its corner), replacing the previous mesh of that section. Faces get a fixed light
 * per direction on top of the ambient occlusion the mesher baked into the colours, and smooth per-vertex light:
 * the mesh's `light` bytes (sky, block) are a normalized vec2 attribute, and the shader multiplies the colour by
 * {@link lightCurve} of `max(sky * daylight, block)` (set daylight with {@link setDaylight}).
 */
import * as THREE from 'three';
import type { MeshedSection } from '../../client.ts';
import { NO_SECTION, chunkKey, type VoxelWorld } from '../../index.ts';

/** Light per mesh face value (+x, -x, +y, -y, +z, -z): top brightest, bottom darkest, sides in between. */
export const FACE_LIGHT: readonly number[] = [0.8, 0.8, 1, 0.55, 0.68, 0.68];

/** The drawn sections of a world. */
export interface SectionMeshes {
  /** Parent of every section mesh (add it to the scene). */
  readonly group: THREE.Group;
  /** Meshes by section key "cx,sy,cz". */
  readonly byKey: Map<string, THREE.Mesh>;
  /** Materials: opaque quads (group 0) and see-through quads (group 1, blended after the opaque ones). */
  readonly materials: [THREE.Material, THREE.Material];
  /** The shader's daylight uniform (0..1, the factor of sky light), shared by both materials. */
  readonly daylight: { value: number };
}

/** Least brightness of an unlit face (light level 0), so that caves are dark but not black. */
export const MIN_BRIGHTNESS = 0.04;

/**
 * Brightness of a light value 0..1 (level / 15), as the shader computes it: `MIN_BRIGHTNESS + (1 - MIN_BRIGHTNESS)
 * * v^1.6` (each level down is dimmer, as in the eye).
 */
export function lightCurve(v: number): number {
  return MIN_BRIGHTNESS + (1 - MIN_BRIGHTNESS) * Math.pow(Math.max(0, Math.min(1, v)), 1.6);
}

/** Makes a vertex-coloured material that also shades by the `light` attribute and the shared daylight uniform. */
function litMaterial(params: THREE.MeshBasicMaterialParameters, daylight: { value: number }): THREE.MeshBasicMaterial {
  const m = new THREE.MeshBasicMaterial({ vertexColors: true, ...params });
  m.onBeforeCompile = (shader) => {
    shader.uniforms.daylight = daylight;
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nattribute vec2 light;\nuniform float daylight;\nvarying float vLight;')
      .replace('#include <begin_vertex>', '#include <begin_vertex>\nvLight = max(light.x * daylight, light.y);');
    shader.fragmentShader = shader.fragmentShader
      .replace('#include <common>', `#include <common>\nvarying float vLight;`)
      .replace('#include <color_fragment>', `#include <color_fragment>\ndiffuseColor.rgb *= ${MIN_BRIGHTNESS.toFixed(3)} + ${(1 - MIN_BRIGHTNESS).toFixed(3)} * pow(clamp(vLight, 0.0, 1.0), 1.6);`);
  };
  return m;
}

/** Creates an empty set of section meshes (daylight 1). */
export function createSectionMeshes(): SectionMeshes {
  const daylight = { value: 1 };
  const opaque = litMaterial({}, daylight);
  const seeThrough = litMaterial({ transparent: true, depthWrite: false }, daylight);
  return { group: new THREE.Group(), byKey: new Map(), materials: [opaque, seeThrough], daylight };
}

/** Sets the daylight factor of sky light (0..1: 1 a clear noon); a bad value throws a RangeError naming the range. */
export function setDaylight(set: SectionMeshes, daylight: number): void {
  if (!(daylight >= 0 && daylight <= 1)) throw new RangeError(`daylight must be in 0..1, got ${daylight}`);
  set.daylight.value = daylight;
}

/**
 * Reorders the quads' indices so that opaque quads (vertex alpha 255) come first; returns the new indices and how
 * many of them belong to opaque quads. Every quad's 6 indices stay together.
 */
export function splitByAlpha(indices: Uint16Array | Uint32Array, colors: Uint8Array): { indices: Uint16Array | Uint32Array; opaque: number } {
  const quads = indices.length / 6;
  const out = indices instanceof Uint16Array ? new Uint16Array(indices.length) : new Uint32Array(indices.length);
  let front = 0, back = indices.length;
  for (let q = 0; q < quads; q++) {
    // The quad's first vertex is 4q (the mesher writes 4 vertices per quad); its alpha is the quad's.
    const solid = colors[q * 16 + 3] === 255;
    const at = solid ? front : (back -= 6);
    for (let k = 0; k < 6; k++) out[at + k] = indices[q * 6 + k];
    if (solid) front += 6;
  }
  return { indices: out, opaque: front };
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
    geometry.setAttribute('light', new THREE.BufferAttribute(mesh.light, 2, true));
    const split = splitByAlpha(mesh.indices, mesh.colors);
    geometry.setIndex(new THREE.BufferAttribute(split.indices, 1));
    geometry.addGroup(0, split.opaque, 0);
    if (split.opaque < split.indices.length) geometry.addGroup(split.opaque, split.indices.length - split.opaque, 1);
    geometry.boundingSphere = SECTION_SPHERE.clone();
    const obj = new THREE.Mesh(geometry, set.materials);
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
