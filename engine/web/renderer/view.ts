/**
 * The three.js view: WebGL renderer, scene with sky colour and distance fog matched to the view distance, and the
 * first-person camera placed from the player's eye and facing in quantized steps (step 0 faces +z, steps increase
 * towards -x; positive pitch looks up).
 */
import * as THREE from 'three';
import { PITCH_LIMIT, YAW_STEPS } from '../../index.ts';

/** Sky and fog colour. */
export const SKY_COLOR = 0x8cc4f0;

/** The scene and how it is drawn. */
export interface View {
  /** The WebGL renderer. */
  readonly renderer: THREE.WebGLRenderer;
  /** The scene. */
  readonly scene: THREE.Scene;
  /** The first-person camera. */
  readonly camera: THREE.PerspectiveCamera;
}

/** Creates the view on `canvas`; fog ends at `viewBlocks` blocks. */
export function createView(canvas: HTMLCanvasElement, viewBlocks: number): View {
  // Block colours are meant as displayed (sRGB bytes), so colours pass through unconverted.
  THREE.ColorManagement.enabled = false;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(SKY_COLOR);
  scene.fog = new THREE.Fog(SKY_COLOR, viewBlocks * 0.55, viewBlocks);
  const camera = new THREE.PerspectiveCamera(75, 1, 0.05, viewBlocks + 32);
  camera.rotation.order = 'YXZ';
  scene.add(camera);
  const view = { renderer, scene, camera };
  resizeView(view);
  return view;
}

/** Sets the sky (background) and fog colour, e.g. from the time of day. */
export function setSkyColor(v: View, color: number): void {
  (v.scene.background as THREE.Color).setHex(color);
  (v.scene.fog as THREE.Fog).color.setHex(color);
}

/** Matches the drawing buffer and aspect ratio to the canvas's size on screen. */
export function resizeView(v: View): void {
  const canvas = v.renderer.domElement;
  const w = canvas.clientWidth || window.innerWidth, h = canvas.clientHeight || window.innerHeight;
  v.renderer.setSize(w, h, false);
  v.camera.aspect = w / Math.max(1, h);
  v.camera.updateProjectionMatrix();
}

/** Yaw in (fractional) steps to radians about +y as three.js turns the camera (which looks down -z at 0). */
export function yawStepsToCameraY(yaw: number): number {
  return Math.PI - (yaw / YAW_STEPS) * 2 * Math.PI;
}

/** Places the camera at eye (x, y, z) facing yaw and pitch steps. */
export function placeCamera(v: View, x: number, y: number, z: number, yaw: number, pitch: number): void {
  v.camera.position.set(x, y, z);
  v.camera.rotation.set((pitch / PITCH_LIMIT) * (Math.PI / 2), yawStepsToCameraY(yaw), 0);
}

/** The unit look direction for yaw and pitch steps, in world axes. */
export function lookDirection(yaw: number, pitch: number): [number, number, number] {
  const t = (yaw / YAW_STEPS) * 2 * Math.PI, p = (pitch / PITCH_LIMIT) * (Math.PI / 2);
  return [-Math.sin(t) * Math.cos(p), Math.sin(p), Math.cos(t) * Math.cos(p)];
}
