/** The block-target outline: a wire cube drawn slightly larger than the targeted block. */
import * as THREE from 'three';

/** Creates the (hidden) outline; add it to the scene and move it with {@link showOutline}. */
export function createOutline(): THREE.LineSegments {
  const edges = new THREE.EdgesGeometry(new THREE.BoxGeometry(1.004, 1.004, 1.004));
  const line = new THREE.LineSegments(edges, new THREE.LineBasicMaterial({ color: 0x101010, fog: false }));
  line.visible = false;
  return line;
}

/** Shows the outline around block (x, y, z), or hides it when `at` is null. */
export function showOutline(outline: THREE.LineSegments, at: { x: number; y: number; z: number } | null): void {
  outline.visible = at !== null;
  if (at) outline.position.set(at.x + 0.5, at.y + 0.5, at.z + 0.5);
}
