/** The structured logger: JSON lines with time, level and message first, a level threshold, child loggers' fields. */
import { describe, expect, it } from 'vitest';
import { createLogger, netLogOf, type LoggerOptions } from '../../../../engine/platform/node/json-logger.ts';

const T = new Date('2026-12-01T08:00:00.000Z');

/** A logger writing into an array; returns it and the lines parsed. */
function capture(o: LoggerOptions = {}) {
  const written: string[] = [];
  const logger = createLogger({ now: () => T, ...o, out: { write: (s: string) => written.push(s) } });
  return { logger, written, lines: () => written.map((s) => JSON.parse(s) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object a line: t, level, msg first, then the fields', () => {
    const { logger, written, lines } = capture();
    logger.info('player joined', { player: 'ann', entity: 7 });
    logger.warn('slow tick', { ms: 61.5 });
    expect(written.every((s) => s.endsWith('\n') && !s.slice(0, -1).includes('\n'))).toBe(true);
    expect(written[0]).toBe('{"t":"2026-12-01T08:00:00.000Z","level":"info","msg":"player joined","player":"ann","entity":7}\n');
    expect(lines()[1]).toEqual({ t: T.toISOString(), level: 'warn', msg: 'slow tick', ms: 61.5 });
  });

  it('drops lines below the level (default info)', () => {
    const quiet = capture();
    quiet.logger.debug('not shown');
    quiet.logger.info('shown');
    expect(quiet.lines().map((l) => l.msg)).toEqual(['shown']);
    const warn = capture({ level: 'warn' });
    for (const level of ['debug', 'info', 'warn', 'error'] as const) warn.logger.log(level, level);
    expect(warn.lines().map((l) => l.level)).toEqual(['warn', 'error']);
    expect(warn.logger.enabled('info')).toBe(false);
    expect(warn.logger.enabled('error')).toBe(true);
    const all = capture({ level: 'debug' });
    all.logger.debug('shown');
    expect(all.lines()).toHaveLength(1);
    expect(() => createLogger({ level: 'loud' as never })).toThrow(RangeError);
  });

  it('child loggers carry their bound fields, nested, a line\'s own fields winning', () => {
    const { logger, lines } = capture({ fields: { process: 'shard' } });
    const shard = logger.child({ shard: 1 });
    const region = shard.child({ region: 'r0', shard: 2 });
    shard.info('lease taken');
    region.error('hand-off failed', { region: 'r9' });
    logger.info('plain');
    expect(lines()).toEqual([
      { t: T.toISOString(), level: 'info', msg: 'lease taken', process: 'shard', shard: 1 },
      { t: T.toISOString(), level: 'error', msg: 'hand-off failed', process: 'shard', shard: 2, region: 'r9' },
      { t: T.toISOString(), level: 'info', msg: 'plain', process: 'shard' },
    ]);
    expect(region.level).toBe('info');
  });

  it('never loses a line: reserved names, errors, bigints and cycles are written safely', () => {
    const { logger, lines } = capture();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    logger.error('boom', { err: new TypeError('bad'), n: 2n ** 70n, msg: 'a field named msg', level: 'x' });
    logger.warn('cyclic', { cycle });
    const [a, b] = lines();
    expect(a.msg).toBe('boom');
    expect(a.level).toBe('error');
    expect(a._msg).toBe('a field named msg');
    expect(a._level).toBe('x');
    expect(a.n).toBe((2n ** 70n).toString());
    expect(a.err).toMatchObject({ name: 'TypeError', message: 'bad' });
    expect(b).toMatchObject({ level: 'warn', msg: 'cyclic' });
    expect(String(b.logError)).toMatch(/fields not written/);
  });

  it('netLogOf makes it a game server log', () => {
    const { logger, lines } = capture();
    netLogOf(logger.child({ process: 'server' }))('warn', 'session 3 refused');
    expect(lines()).toEqual([{ t: T.toISOString(), level: 'warn', msg: 'session 3 refused', process: 'server' }]);
  });
});
