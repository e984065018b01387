/**
 * The page's sky: the clock and weather from the server's SkyState messages, advanced locally between them so the
 * sun moves smoothly; the sky and fog colour and the daylight of the section shader follow them; rain and snow are
 * three.js Points around the camera; thunder flashes now and then.
 */
import * as THREE from 'three';
import { TICK_MS } from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';
import { setDaylight, setSkyColor, type SectionMeshes, type View } from '../../engine/web.ts';
import { SkyState, Weather, dayFraction, daylight, type WeatherKind } from '../sky/sky.ts';

/** The sky as the page knows it. */
export interface SkyClock {
  /** Fraction of the day now, [0, 1): 0 sunrise, 0.25 noon, 0.5 sunset, 0.75 midnight. */
  timeOfDay(): number;
  /** The weather now. */
  weather(): WeatherKind;
  /** True once the server has sent the sky. */
  known(): boolean;
}

/** Follows the server's SkyState on `client`; `now` is the page's clock in ms. */
export function createSkyClock(client: GameClient, now: () => number): SkyClock {
  let time = 0, dayTicks = 24000, at = now(), weather: WeatherKind = Weather.clear, known = false;
  client.onMessage(SkyState, (m) => {
    time = m.time; dayTicks = m.dayTicks; weather = m.weather as WeatherKind; at = now(); known = true;
  });
  return {
    timeOfDay: () => dayFraction(time + Math.floor((now() - at) / TICK_MS), dayTicks),
    weather: () => weather,
    known: () => known,
  };
}

const DAY_SKY = new THREE.Color(0x8cc4f0), NIGHT_SKY = new THREE.Color(0x070b1c), DUSK_SKY = new THREE.Color(0xe8905a);
const GREY = new THREE.Color(0x7a8088);

/** The sky colour at `fraction` of the day in `weather`. */
export function skyColor(fraction: number, weather: WeatherKind, out = new THREE.Color()): THREE.Color {
  const light = daylight(fraction, Weather.clear);
  out.copy(NIGHT_SKY).lerp(DAY_SKY, (light - 0.12) / 0.88);
  // Dawn and dusk: the sun near the horizon.
  const horizon = Math.max(0, 1 - Math.abs(Math.sin(2 * Math.PI * fraction)) / 0.25);
  out.lerp(DUSK_SKY, 0.55 * horizon);
  if (weather !== Weather.clear) out.lerp(GREY.clone().multiplyScalar(light), weather === Weather.thunder ? 0.75 : 0.55);
  return out;
}

/** Particles drawn around the camera. */
const PARTICLES = 2000;
/** The box they fall in, blocks (side, height). */
const BOX = 40, HEIGHT = 24;

/** The sky drawn on a view. */
export interface SkyView {
  /** Updates colours, daylight, particles and flashes for this frame (`dt` ms since the last). */
  frame(camera: THREE.Vector3, dt: number): void;
  /** The daylight factor last given to the shader. */
  daylight(): number;
}

/** Creates the sky's drawing on `view` for `sections`, following `clock`. */
export function createSkyView(view: View, sections: SectionMeshes, clock: SkyClock): SkyView {
  const positions = new Float32Array(PARTICLES * 3);
  for (let i = 0; i < positions.length; i++) positions[i] = Math.random() * (i % 3 === 1 ? HEIGHT : BOX);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  const material = new THREE.PointsMaterial({ color: 0xaac4ff, size: 0.12, transparent: true, opacity: 0.7, depthWrite: false });
  const points = new THREE.Points(geometry, material);
  points.frustumCulled = false;
  points.visible = false;
  view.scene.add(points);
  const color = new THREE.Color();
  let flash = 0, light = 1;
  return {
    frame(camera, dt) {
      const f = clock.timeOfDay(), w = clock.weather();
      if (w === Weather.thunder && flash <= 0 && Math.random() < dt / 8000) flash = 180;
      flash = Math.max(0, flash - dt);
      light = Math.min(1, daylight(f, w) + (flash > 0 ? 0.6 : 0));
      setDaylight(sections, light);
      skyColor(f, w, color);
      if (flash > 0) color.lerp(new THREE.Color(0xffffff), 0.6);
      setSkyColor(view, color.getHex());
      const falling = w === Weather.rain || w === Weather.thunder || w === Weather.snow;
      points.visible = falling;
      if (!falling) return;
      const snow = w === Weather.snow;
      material.color.setHex(snow ? 0xffffff : 0x9ab4e8);
      material.size = snow ? 0.15 : 0.08;
      const fall = ((snow ? 2 : 14) * dt) / 1000, drift = snow ? 0.3 : 0;
      for (let i = 0; i < PARTICLES; i++) {
        const o = i * 3;
        positions[o + 1] -= fall;
        positions[o] += drift * Math.sin(positions[o + 1] + i) * (dt / 1000);
        if (positions[o + 1] < 0) positions[o + 1] += HEIGHT;
      }
      geometry.attributes.position.needsUpdate = true;
      points.position.set(camera.x - BOX / 2, camera.y - HEIGHT / 2, camera.z - BOX / 2);
    },
    daylight: () => light,
  };
}
