import { describe, expect, it } from 'vitest';
import { createGameWorld } from '../../../engine/sim/game-world.ts';
import { createSchedule, runSchedule, ScheduleError, trimSchedule, type Phase, type System } from '../../../engine/sim/schedule.ts';
import { BUILTIN_SCHEDULE, BUILTIN_SYSTEMS, gameSchedule } from '../../../engine/sim/step.ts';

/** A system that appends its name to `log` when run. */
function sys(name: string, phase: Phase, log: string[], more: Partial<System> = {}): System {
  return { name, phase, run: () => { log.push(name); }, ...more };
}

const names = (s: { systems: readonly System[] }) => s.systems.map((x) => x.name);

describe('system schedule', () => {
  it('runs phases in their fixed order, and within a phase by name when unconstrained', () => {
    const log: string[] = [];
    const systems = [sys('z', 'input', log), sys('b', 'post-tick', log), sys('a', 'rules', log), sys('m', 'physics', log), sys('c', 'rules', log), sys('p', 'pre-physics', log), sys('q', 'post-physics', log)];
    const s = createSchedule(systems);
    expect(names(s)).toEqual(['z', 'p', 'm', 'q', 'a', 'c', 'b']);
    // The order does not depend on the order systems were added in.
    expect(names(createSchedule([...systems].reverse()))).toEqual(names(s));
    const world = createGameWorld({ columnSections: 1 });
    runSchedule(s, world, new Map());
    expect(log).toEqual(names(s));
    expect(world.tick).toBe(1);
  });

  it('follows before/after constraints over names, including across phases', () => {
    const log: string[] = [];
    const s = createSchedule([
      sys('a', 'rules', log, { after: ['c'] }),
      sys('b', 'rules', log),
      sys('c', 'rules', log, { after: ['b', 'early'] }),
      sys('d', 'rules', log, { before: ['a'] }),
      sys('early', 'input', log, { before: ['c'] }),
    ]);
    expect(names(s)).toEqual(['early', 'b', 'c', 'd', 'a']);
  });

  it('places user systems among the built-ins; the built-ins keep the engine order', () => {
    expect(names(BUILTIN_SCHEDULE)).toEqual(['apply-inputs', 'movement', 'block-interactions', 'inventory']);
    const log: string[] = [];
    const s = gameSchedule([sys('regen', 'rules', log, { before: ['block-interactions'] }), sys('gravity-well', 'pre-physics', log, { predicted: true })]);
    expect(names(s)).toEqual(['apply-inputs', 'gravity-well', 'movement', 'regen', 'block-interactions', 'inventory']);
    expect(names(trimSchedule(s, (x) => x.predicted === true))).toEqual(['apply-inputs', 'gravity-well', 'movement']);
  });

  it('refuses a cycle, naming the systems in it', () => {
    const log: string[] = [];
    expect(() => createSchedule([sys('a', 'rules', log, { after: ['b'] }), sys('b', 'rules', log, { after: ['c'] }), sys('c', 'rules', log, { after: ['a'] }), sys('d', 'rules', log)]))
      .toThrow(new ScheduleError('systems a, b, c (phase rules) have before/after constraints that form a cycle'));
  });

  it('refuses unknown names, duplicates, bad phases and constraints against the phase order', () => {
    const log: string[] = [];
    expect(() => createSchedule([sys('a', 'rules', log, { after: ['nope'] })])).toThrow(/system a: after names "nope", which is not in the schedule \(known: a\)/);
    expect(() => createSchedule([sys('a', 'rules', log), sys('a', 'input', log)])).toThrow(/system a added twice/);
    expect(() => createSchedule([sys('a', 'later' as Phase, log)])).toThrow(/phase "later" is not one of input, pre-physics, physics, post-physics, rules, post-tick/);
    expect(() => createSchedule([sys('a', 'input', log, { after: ['b'] }), sys('b', 'rules', log)])).toThrow(/system a \(phase input\) cannot run after b \(phase rules\)/);
    expect(() => createSchedule([sys('a', 'input', log, { before: ['a'] })])).toThrow(/before names itself/);
    expect(() => createSchedule([...BUILTIN_SYSTEMS, sys('movement', 'rules', log)])).toThrow(/system movement added twice/);
  });

  it('gives systems the tick, the inputs, the sorted players, the events and a seeded rng that is the same for the same seed and tick', () => {
    const draws = (seed: number) => {
      const out: number[] = [];
      const world = createGameWorld({ columnSections: 1, seed });
      const s = createSchedule([{ name: 'draw', phase: 'rules', run: (_w, ctx) => { expect(ctx.events).toBe(world.events); out.push(ctx.tick, ctx.inputs.size, ctx.players.length, ctx.rng.nextU32(), ctx.rng.nextU32()); } }]);
      runSchedule(s, world, new Map());
      runSchedule(s, world, new Map());
      return out;
    };
    const a = draws(7);
    expect(a.slice(0, 3)).toEqual([0, 0, 0]);
    expect(a[5]).toBe(1);
    expect(a[3]).not.toBe(a[8]); // another tick, other numbers
    expect(draws(7)).toEqual(a);
    expect(draws(8)).not.toEqual(a);
  });
});
