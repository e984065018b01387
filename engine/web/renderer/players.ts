/**
 * Remote players as simple figures (body, head, a nose showing where they face) with a name tag above, placed each
 * frame from the client's interpolation layer (`sampleRemote`: 100 ms in the past, speed-clamped).
 */
import * as THREE from 'three';
import type { Pose } from '../../client.ts';
import { BODY_HEIGHT, HALF_WIDTH } from '../../index.ts';
import { yawStepsToCameraY } from './view.ts';

/** Figures by network id. */
export interface PlayerFigures {
  /** Parent of every figure. */
  readonly group: THREE.Group;
  /** Figures by network id. */
  readonly byId: Map<number, THREE.Group>;
}

/** Creates an empty set of figures. */
export function createPlayerFigures(): PlayerFigures {
  return { group: new THREE.Group(), byId: new Map() };
}

/** A sprite showing `text` on a dark label, about 0.3 blocks tall. */
export function nameTag(text: string): THREE.Sprite {
  const canvas = document.createElement('canvas');
  canvas.width = 256; canvas.height = 64;
  const g = canvas.getContext('2d')!;
  g.font = 'bold 36px sans-serif';
  const w = Math.min(248, g.measureText(text).width + 24);
  g.fillStyle = 'rgba(0,0,0,0.5)';
  g.fillRect((256 - w) / 2, 6, w, 52);
  g.fillStyle = '#fff';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(text, 128, 33);
  const texture = new THREE.CanvasTexture(canvas);
  texture.colorSpace = THREE.NoColorSpace;
  const sprite = new THREE.Sprite(new THREE.SpriteMaterial({ map: texture, depthTest: false, transparent: true, fog: false }));
  sprite.scale.set(1.2, 0.3, 1);
  sprite.renderOrder = 10;
  return sprite;
}

function figure(label: string, hue: number): THREE.Group {
  const g = new THREE.Group();
  const color = new THREE.Color().setHSL(hue, 0.55, 0.5);
  const body = new THREE.Mesh(new THREE.BoxGeometry(HALF_WIDTH * 2, BODY_HEIGHT - 0.5, HALF_WIDTH * 1.2), new THREE.MeshBasicMaterial({ color }));
  body.position.y = (BODY_HEIGHT - 0.5) / 2;
  const head = new THREE.Mesh(new THREE.BoxGeometry(0.45, 0.45, 0.45), new THREE.MeshBasicMaterial({ color: 0xe0b890 }));
  head.position.y = BODY_HEIGHT - 0.25;
  // The nose points along -z of the figure, which the yaw turns like the camera.
  const nose = new THREE.Mesh(new THREE.BoxGeometry(0.12, 0.12, 0.12), new THREE.MeshBasicMaterial({ color: 0x303030 }));
  nose.position.set(0, BODY_HEIGHT - 0.25, -0.27);
  const tag = nameTag(label);
  tag.position.y = BODY_HEIGHT + 0.35;
  g.add(body, head, nose, tag);
  return g;
}

/**
 * Brings the figures in line with the remote ids given: adds figures for new ids, removes those gone, and places
 * each where `sample` says (hidden when it has no pose yet).
 */
export function updatePlayerFigures(
  set: PlayerFigures, ids: Iterable<number>, label: (id: number) => string, sample: (id: number, out: Pose) => boolean,
): void {
  const seen = new Set<number>();
  const pose: Pose = { x: 0, y: 0, z: 0, yaw: 0 };
  for (const id of ids) {
    seen.add(id);
    let f = set.byId.get(id);
    if (!f) {
      f = figure(label(id), ((id * 0.61803) % 1 + 1) % 1);
      set.byId.set(id, f);
      set.group.add(f);
    }
    f.visible = sample(id, pose);
    if (f.visible) {
      f.position.set(pose.x, pose.y, pose.z);
      f.rotation.y = yawStepsToCameraY(pose.yaw);
    }
  }
  for (const [id, f] of set.byId) {
    if (seen.has(id)) continue;
    set.group.remove(f);
    set.byId.delete(id);
  }
}
