import * as THREE from 'three';
import { describe, expect, it } from 'vitest';
import { PITCH_LIMIT, YAW_STEPS } from '../../../engine/input.ts';
import { Button } from '../../../engine/input.ts';
import { WALK_SPEED, wishVelocity } from '../../../engine/physics/controller.ts';
import { lookDirection, yawStepsToCameraY } from '../../../engine/web/renderer/view.ts';

describe('camera facing', () => {
  it('yaw step 0 looks along +z, a quarter turn along -x; positive pitch looks up', () => {
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));
    close(lookDirection(0, 0), [0, 0, 1]);
    close(lookDirection(YAW_STEPS / 4, 0), [-1, 0, 0]);
    close(lookDirection(0, PITCH_LIMIT), [0, 1, 0]);
  });

  it('W walks where the camera looks (level), for every 16th yaw step', () => {
    for (let yaw = 0; yaw < YAW_STEPS; yaw += 16) {
      const [vx, vz] = wishVelocity({ buttons: Button.Forward, yaw });
      const [x, , z] = lookDirection(yaw, 0);
      expect(vx / WALK_SPEED).toBeCloseTo(x, 6);
      expect(vz / WALK_SPEED).toBeCloseTo(z, 6);
    }
  });

  it('the three.js camera looks where lookDirection says, for every 64th yaw step and several pitches', () => {
    const cam = new THREE.PerspectiveCamera();
    cam.rotation.order = 'YXZ';
    const dir = new THREE.Vector3();
    for (let yaw = 0; yaw < YAW_STEPS; yaw += 64) {
      for (const pitch of [-200, 0, 100]) {
        cam.rotation.set((pitch / PITCH_LIMIT) * (Math.PI / 2), yawStepsToCameraY(yaw), 0);
        cam.updateMatrixWorld();
        cam.getWorldDirection(dir);
        const [x, y, z] = lookDirection(yaw, pitch);
        expect(dir.x).toBeCloseTo(x, 6);
        expect(dir.y).toBeCloseTo(y, 6);
        expect(dir.z).toBeCloseTo(z, 6);
      }
    }
  });
});
