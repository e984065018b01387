/**
 * startNats: the embedded nats-server child (JetStream, free port, temporary store) is ready when it resolves and
 * gone with its folder after stop, also when the parent process dies first; NATS_URL joins instead; a missing binary
 * names the apt-get command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { sampleNatsRoundTrips, startNats } from '../../../engine/cluster/nats-server.ts';
import { skipNats } from '../../support/nats.ts';

/** Only PATH: a NATS_URL in the caller's environment must not turn the embedded server into a joined one. */
const ENV = { PATH: process.env.PATH };
const MODULE = fileURLToPath(new URL('../../../engine/cluster/nats-server.ts', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startNats: a missing server', () => {
  it('names the apt-get command', async () => {
    await expect(startNats({ env: ENV, binary: '/nonexistent/nats-server' }))
      .rejects.toThrow(/nats-server is not installed \(none at \/nonexistent\/nats-server\); install it with `apt-get update && apt-get install -y nats-server`/);
  });

  it('a server that exits at once is reported with its exit', async () => {
    await expect(startNats({ env: ENV, binary: '/bin/false' })).rejects.toThrow(/exited before it was ready \(code 1/);
  });
});

describe.skipIf(skipNats('nats-server.test.ts'))('startNats with nats-server', () => {
  it('starts a JetStream server on 127.0.0.1, and stop kills it and removes its folder', async () => {
    const nats = await startNats({ env: ENV });
    try {
      expect(nats.embedded).toBe(true);
      expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(alive(nats.pid!)).toBe(true);
      expect(existsSync(nats.storeDir!)).toBe(true);
      const nc = await nats.connect();
      const info = await (await jetstreamManager(nc)).getAccountInfo();
      expect(info.streams).toBe(0);
    } finally {
      await nats.stop();
    }
    expect(alive(nats.pid!)).toBe(false);
    expect(existsSync(nats.storeDir!)).toBe(false);
    await nats.stop(); // twice is fine
  });

  it('joins NATS_URL instead of starting a server, and its stop leaves that server running', async () => {
    const host = await startNats({ env: ENV });
    try {
      const joined = await startNats({ env: { ...ENV, NATS_URL: host.url } });
      expect(joined).toMatchObject({ url: host.url, embedded: false });
      expect(joined.pid).toBeUndefined();
      const nc = await joined.connect();
      expect(nc.getServer()).toContain(host.url.slice('nats://'.length));
      await joined.stop();
      expect(nc.isClosed()).toBe(true);
      expect(alive(host.pid!)).toBe(true);
    } finally {
      await host.stop();
    }
  });

  it('with monitorPort, serves /connz on 127.0.0.1, listing each connection by its name with its traffic', async () => {
    await expect(startNats({ env: ENV, monitorPort: -1 })).rejects.toThrow(/monitorPort must be an integer in 0\.\.65535, got -1/);
    const nats = await startNats({ env: ENV, monitorPort: 0 });
    try {
      expect(nats.monitorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const a = await nats.connect({ name: 'shard a' });
      const b = await nats.connect();
      const sub = b.subscribe('x.y', { max: 3 });
      await b.flush(); // the server has the subscription before anything is published
      for (let i = 0; i < 3; i++) a.publish('x.y', new Uint8Array(10));
      await a.flush();
      for await (const _ of sub); // ends after the third message
      const connz = await (await fetch(new URL('connz?subs=0', nats.monitorUrl))).json() as { connections: Array<{ name: string; in_msgs: number; in_bytes: number; out_msgs: number }> };
      const byName = new Map(connz.connections.map((c) => [c.name, c]));
      expect(byName.get('shard a')).toMatchObject({ in_msgs: 3, in_bytes: 30 });
      expect(byName.get('stratum')).toMatchObject({ out_msgs: 3 });
    } finally {
      await nats.stop();
    }
  });

  it('samples the round trip to the server into a metric, and stops when told', async () => {
    const nats = await startNats({ env: { PATH: process.env.PATH } });
    const nc = await nats.connect();
    try {
      const seen: number[] = [];
      const stop = sampleNatsRoundTrips(nc, (s) => seen.push(s), 100);
      while (seen.length < 3) await new Promise((r) => setTimeout(r, 50));
      stop();
      const count = seen.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.length).toBe(count);
      for (const s of seen) expect(Number.isFinite(s) && s >= 0).toBe(true); // seconds (the client counts whole ms: 0 on loopback)
      expect(() => sampleNatsRoundTrips(nc, () => {}, 50)).toThrow('everyMs must be an integer in 100..600000, got 50');
    } finally {
      await nc.close();
      await nats.stop();
    }
  });

  it('kills the child and removes its folder when the parent process dies with an error', async () => {
    const script = `import { startNats } from ${JSON.stringify(MODULE)};
      const n = await startNats({ env: { PATH: process.env.PATH } });
      console.log(JSON.stringify({ pid: n.pid, dir: n.storeDir }));
      throw new Error('the parent fails');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('the parent fails');
    const { pid, dir } = JSON.parse(run.stdout.trim()) as { pid: number; dir: string };
    // SIGKILL was sent from the exit handler; the kernel takes a moment to end the process.
    await expect.poll(() => alive(pid), { timeout: 2000, interval: 50 }).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
