/**
 * A stall of this process (its event loop busy for longer than the timeout) is not the peer's silence: the heartbeat
 * that fires late waits one more beat, by which time what the peer sent has been read.
 */
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../engine/events.ts';
import { loadHasher } from '../../../engine/hash.ts';
import { createNetClient, type NetClientEvents } from '../../../engine/net/client.ts';
import { conditionConnector, type ConditionedSession } from '../../../engine/net/conditioner.ts';
import { createLoopbackNetwork } from '../../../engine/net/loopback.ts';
import { createManualScheduler, type Scheduler } from '../../../engine/net/scheduler.ts';
import { createNetServer } from '../../../engine/net/server.ts';
import { localIdentity } from '../../../engine/protocol/handshake.ts';
import { createRng } from '../../../engine/rng.ts';

describe('heartbeat after a stall', () => {
  it('a 15 s stall of the whole process closes neither side; real silence still times out', async () => {
    const identity = localIdentity(await loadHasher());
    const manual = createManualScheduler();
    let skew = 0; // the clock jumps ahead while no timer or delivery runs: a stalled event loop
    const scheduler: Scheduler = { now: () => manual.now() + skew, set: (ms, fn) => manual.set(ms, fn), clear: (h) => manual.clear(h) };
    const network = createLoopbackNetwork(scheduler);
    const closes: string[] = [];
    const server = createNetServer({ identity, scheduler, adminToken: 't', onSessionClose: (_s, i) => closes.push(`server ${i.kind}`) });
    network.listen('server', (s) => server.accept(s));
    const bus = createEventBus<NetClientEvents>();
    bus.on('Disconnected', (d) => closes.push(`client ${d.kind}`));
    let link: ConditionedSession | undefined;
    const connect = conditionConnector(network.connector('server'), scheduler, createRng(2), { latencyMs: 0 }, (l) => { link = l; });
    const client = createNetClient({ connect, identity, name: 'p', scheduler, rng: createRng(1), bus, reconnect: false });
    client.start();
    manual.advance(100);
    expect(client.state).toBe('active');

    skew += 15_000;
    manual.advance(3000);
    expect(closes).toEqual([]);
    expect(client.state).toBe('active');

    // Real silence: nothing gets through any more, in either direction.
    link!.setLink({ blackout: true });
    manual.advance(12_000);
    expect(closes).toContain('server timeout');
  });
});
