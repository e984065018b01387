/**
 * The network server's resume path: a session another server handed over (transport `resume`) is active at once,
 * without Hello or Welcome, named by the server's hook (unique here), and carries on over the client's streams and
 * datagrams; a server without the hook, or whose hook throws, closes only that session, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../engine/events.ts';
import { loadHasher } from '../../../engine/hash.ts';
import { Channel } from '../../../engine/net/channels.ts';
import { createNetClient, type NetClientEvents } from '../../../engine/net/client.ts';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';
import { createNetServer, type NetServerOptions, type ServerSession } from '../../../engine/net/server.ts';
import { localIdentity } from '../../../engine/protocol/handshake.ts';
import { MsgType, type Message } from '../../../engine/protocol/messages.ts';
import { createRng } from '../../../engine/rng.ts';
import { createMovableNetwork } from '../../support/movable-network.ts';
import { createLoopbackNetwork } from '../../../engine/net/loopback.ts';

async function rig(resumeB?: NetServerOptions['onSessionResume']) {
  const identity = localIdentity(await loadHasher());
  const scheduler = createManualScheduler();
  const network = createMovableNetwork(scheduler);
  const logs: string[] = [];
  const got = { A: [] as Message[], B: [] as Message[] };
  const make = (name: 'A' | 'B', onSessionResume?: NetServerOptions['onSessionResume']) => {
    const server = createNetServer({
      identity, scheduler, adminToken: 't', log: (level, m) => logs.push(`${name} ${level} ${m}`), onMessage: (_s, _c, m) => got[name].push(m), onSessionResume,
    });
    network.listen(name, (s) => server.accept(s));
    return server;
  };
  const A = make('A');
  const B = make('B', resumeB);
  const client = (name: string, at: 'A' | 'B') => {
    const c = createNetClient({
      connect: network.connector(at, '10.0.0.1'), identity, name, scheduler, rng: createRng(1), bus: createEventBus<NetClientEvents>(), reconnect: false,
    });
    c.start();
    return c;
  };
  return { scheduler, A, B, got, logs, client };
}

const chat = (text: string): Message => ({ type: MsgType.ClientChat, text });

describe('net server: handed-over sessions', () => {
  it('is active at once, named uniquely from the hook, and carries on over the same client connection', async () => {
    const states: Uint8Array[] = [];
    const r = await rig((_s, state) => { states.push(state); return 'sam'; });
    const here = r.client('sam', 'B');
    const mover = r.client('sam', 'A');
    r.scheduler.advance(10);
    expect(mover.state).toBe('active');
    const onA = [...r.A.sessions.values()][0];
    expect(onA.resumed).toBe(false);
    expect(onA.movable).toBe(true);
    mover.send(Channel.Chat, chat('before'));
    r.scheduler.advance(1);
    onA.moveTo('B', Uint8Array.of(7, 8, 9));
    mover.send(Channel.Chat, chat('after'));
    r.scheduler.advance(10);
    expect(states.map((s) => [...s])).toEqual([[7, 8, 9]]);
    expect(r.A.sessions.size).toBe(0);
    const moved = [...r.B.sessions.values()].find((s: ServerSession) => s.resumed)!;
    expect(moved.name).toBe('sam (2)'); // 'sam' is taken on B
    expect(r.got.A.filter((m) => m.type === MsgType.ClientChat)).toEqual([chat('before')]);
    expect(r.got.B.filter((m) => m.type === MsgType.ClientChat)).toEqual([chat('after')]);
    expect(r.logs.some((l) => /^A info session 1 \(sam\) closed: remote: moved to B/.test(l))).toBe(true);
    // Stream and datagram channels both work both ways after the move.
    const rtt = mover.ping(Channel.Chat), rttD = mover.ping(Channel.Input);
    r.scheduler.advance(10);
    await expect(rtt).resolves.toBe(0);
    await expect(rttD).resolves.toBe(0);
    expect(mover.state).toBe('active');
    expect(here.state).toBe('active');
  });

  it('a server without the hook, or whose hook throws, closes only that session with the reason', async () => {
    for (const hook of [undefined, () => { throw new Error('bad state'); }]) {
      const r = await rig(hook);
      const stay = r.client('stay', 'B');
      const mover = r.client('mover', 'A');
      r.scheduler.advance(10);
      [...r.A.sessions.values()][0].moveTo('B', Uint8Array.of(1));
      r.scheduler.advance(200);
      expect(mover.state).not.toBe('active');
      expect(r.B.sessions.size).toBe(1);
      expect(stay.state).toBe('active');
      expect(r.logs.some((l) => /^B warn session 2: hand-off refused: /.test(l) && (hook ? /bad state/ : /does not take handed-over sessions/).test(l))).toBe(true);
    }
  });

  it('moveTo on a session whose transport cannot move (loopback) throws a clear error', async () => {
    const identity = localIdentity(await loadHasher());
    const scheduler = createManualScheduler();
    const network = createLoopbackNetwork(scheduler);
    const server = createNetServer({ identity, scheduler, adminToken: 't' });
    network.listen('s', (t) => server.accept(t));
    createNetClient({ connect: network.connector('s'), identity, name: 'x', scheduler, rng: createRng(1), bus: createEventBus<NetClientEvents>(), reconnect: false }).start();
    scheduler.advance(10);
    const s = [...server.sessions.values()][0];
    expect(s.movable).toBe(false);
    expect(() => s.moveTo('B', Uint8Array.of(1))).toThrow(/session 1: its transport cannot move sessions/);
  });
});
