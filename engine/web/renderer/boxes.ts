/**
 * Remote entities that are not players (a game's creatures, dropped items) as plain coloured boxes with an optional
 * name tag, placed each frame from the client's interpolation layer like the player figures (players.ts).
 */
import * as THREE from 'three';
import type { Pose } from '../../client.ts';
import { nameTag } from './players.ts';
import { yawStepsToCameraY } from './view.ts';

/** How one entity's box looks. */
export interface BoxStyle {
  /** Colour, 0xRRGGBB. */
  readonly color: number;
  /** Width and depth, blocks. */
  readonly width: number;
  /** Height, blocks (the box stands on the entity's feet position). */
  readonly height: number;
  /** Name tag above it ('' for none). */
  readonly label: string;
}

/** Boxes by network id. */
export interface EntityBoxes {
  /** Parent of every box (add it to the scene). */
  readonly group: THREE.Group;
  /** Boxes by network id. */
  readonly byId: Map<number, THREE.Group>;
}

/** Creates an empty set of boxes. */
export function createEntityBoxes(): EntityBoxes {
  return { group: new THREE.Group(), byId: new Map() };
}

function box(style: BoxStyle): THREE.Group {
  const g = new THREE.Group();
  const body = new THREE.Mesh(new THREE.BoxGeometry(style.width, style.height, style.width * 1.4), new THREE.MeshBasicMaterial({ color: style.color }));
  body.position.y = style.height / 2;
  // A darker face marks the front (-z of the group, which the yaw turns like the camera).
  const face = new THREE.Mesh(new THREE.BoxGeometry(style.width * 0.6, style.height * 0.5, 0.05), new THREE.MeshBasicMaterial({ color: new THREE.Color(style.color).multiplyScalar(0.5) }));
  face.position.set(0, style.height * 0.7, -style.width * 0.7 - 0.03);
  g.add(body, face);
  if (style.label) {
    const tag = nameTag(style.label);
    tag.position.y = style.height + 0.3;
    g.add(tag);
  }
  return g;
}

/**
 * Brings the boxes in line with the remote ids given: adds a box for each new id in the style `style` gives it,
 * removes those gone, and places each where `sample` says (hidden when it has no pose yet).
 */
export function updateEntityBoxes(
  set: EntityBoxes, ids: Iterable<number>, style: (id: number) => BoxStyle, sample: (id: number, out: Pose) => boolean,
): void {
  const seen = new Set<number>();
  const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
  for (const id of ids) {
    seen.add(id);
    let b = set.byId.get(id);
    if (!b) {
      b = box(style(id));
      set.byId.set(id, b);
      set.group.add(b);
    }
    b.visible = sample(id, pose);
    if (b.visible) {
      b.position.set(pose.x, pose.y, pose.z);
      b.rotation.y = yawStepsToCameraY(pose.yaw);
    }
  }
  for (const [id, b] of set.byId) {
    if (seen.has(id)) continue;
    set.group.remove(b);
    set.byId.delete(id);
  }
}
