import { describe, expect, it } from 'vitest';
import { Button, type PlayerInput } from '../../../engine/input.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

describe('entity interest', () => {
  it('a player walking out of view is despawned on the others, and spawned again when it comes back', async () => {
    const st = await createStepper({ worldRadius: 5, viewDistance: 1 });
    let dir = 0; // 0 stand, 1 away (+z, yaw 0), -1 back
    const a = st.addClient(() => (dir === 0 ? idle() : { buttons: Button.Forward | Button.Sprint, yaw: dir > 0 ? 0 : 512, pitch: 0 }));
    const b = st.addClient(idle);
    const c = st.addClient(idle);
    st.step(40);
    const names = (r: typeof b) => r.events.filter(([n]) => n === 'EntitySpawned' || n === 'EntityDespawned').map(([n, e]) => `${n} ${(e as { id: number }).id}`);
    const id = a.client.selfId;
    expect(names(b).sort()).toEqual([`EntitySpawned ${id}`, `EntitySpawned ${c.client.selfId}`].sort());
    dir = 1;
    st.step(160); // 8 s of sprinting: ~45 blocks, more than 2 chunks away
    expect(names(b).at(-1)).toBe(`EntityDespawned ${id}`);
    expect(names(c).at(-1)).toBe(`EntityDespawned ${id}`);
    // a no longer sees b and c either.
    expect(names(a).filter((n) => n.startsWith('EntityDespawned'))).toHaveLength(2);
    dir = -1;
    st.step(160);
    expect(names(b).at(-1)).toBe(`EntitySpawned ${id}`);
    expect(names(c).at(-1)).toBe(`EntitySpawned ${id}`);
    expect(names(a).filter((n) => n.startsWith('EntitySpawned')).length).toBe(4);
    // Nothing spawned or despawned twice in a row.
    for (const r of [a, b, c]) {
      const seq = names(r);
      for (let i = 1; i < seq.length; i++) expect(seq[i], seq.join(', ')).not.toBe(seq[i - 1]);
    }
  });
});
