/** The fallback connector on a manual clock: preferred first, fallback after an error or a timeout, sticky choices. */
import { describe, expect, it } from 'vitest';
import { createFallbackConnector } from '../../../engine/net/fallback-connector.ts';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';
import type { Connector, TransportSession } from '../../../engine/net/transport.ts';

function fakeSession(name: string, closed: string[]): TransportSession {
  return {
    reliableDatagrams: name === 'fallback', maxDatagramSize: 1200,
    sendDatagram: () => {}, openStream: () => { throw new Error('unused'); }, setHandlers: () => {},
    close: () => closed.push(name),
  };
}

/** A connector that answers per its script: 'ok', 'fail' or 'never'. */
function scripted(name: string, script: Array<'ok' | 'fail' | 'never'>, closed: string[], late: Array<() => void>): Connector & { calls: number } {
  const c = ((done) => {
    const step = script[Math.min(c.calls++, script.length - 1)];
    if (step === 'ok') done(fakeSession(name, closed));
    else if (step === 'fail') done(new Error(`${name} refused`));
    else late.push(() => done(fakeSession(name, closed)));
  }) as Connector & { calls: number };
  c.calls = 0;
  return c;
}

const result = (connect: Connector) => {
  let r: TransportSession | Error | undefined;
  connect((x) => { r = x; });
  return () => r;
};

describe('createFallbackConnector', () => {
  it('uses the preferred transport when it connects, and keeps it for reconnects', () => {
    const scheduler = createManualScheduler();
    const closed: string[] = [];
    const preferred = scripted('h3', ['ok', 'fail'], closed, []);
    const fallback = scripted('fallback', ['ok'], closed, []);
    const f = createFallbackConnector({ preferred, fallback, scheduler });
    expect(f.using).toBeUndefined();
    expect((result(f.connect)() as TransportSession).reliableDatagrams).toBe(false);
    expect(f.using).toBe('preferred');
    expect(result(f.connect)()).toBeInstanceOf(Error); // a later failure is the client's to retry, not a fallback
    expect(f.using).toBe('preferred');
    expect(fallback.calls).toBe(0);
  });

  it('falls back for good when the first preferred attempt fails', () => {
    const scheduler = createManualScheduler();
    const closed: string[] = [];
    const preferred = scripted('h3', ['fail'], closed, []);
    const fallback = scripted('fallback', ['ok'], closed, []);
    const f = createFallbackConnector({ preferred, fallback, scheduler });
    expect((result(f.connect)() as TransportSession).reliableDatagrams).toBe(true);
    expect(f.using).toBe('fallback');
    expect(f.fallbackReason).toBe('h3 refused');
    result(f.connect);
    expect(preferred.calls).toBe(1);
    expect(fallback.calls).toBe(2);
  });

  it('falls back after the timeout and closes a preferred session that connects too late', () => {
    const scheduler = createManualScheduler();
    const closed: string[] = [];
    const late: Array<() => void> = [];
    const f = createFallbackConnector({ preferred: scripted('h3', ['never'], closed, late), fallback: scripted('fallback', ['ok'], closed, []), scheduler, timeoutMs: 3000 });
    const r = result(f.connect);
    scheduler.advance(2999);
    expect(r()).toBeUndefined();
    scheduler.advance(1);
    expect((r() as TransportSession).reliableDatagrams).toBe(true);
    expect(f.fallbackReason).toBe('no session within 3000 ms');
    late[0]();
    expect(closed).toEqual(['h3']);
  });

  it('goes straight to the fallback without a preferred connector', () => {
    const f = createFallbackConnector({ preferred: undefined, fallback: scripted('fallback', ['ok'], [], []), scheduler: createManualScheduler() });
    expect(f.using).toBe('fallback');
    expect(result(f.connect)()).not.toBeInstanceOf(Error);
  });
});
