/**
 * The NATS a cluster runs on (Node only). With a URL (the `url` option or `NATS_URL`) it joins that NATS; without
 * one it is the embedded default: a `nats-server` child with JetStream, listening on 127.0.0.1 on a free port, its
 * store in a new temporary folder (and, with `monitorPort`, its HTTP monitoring on 127.0.0.1). {@link startNats}
 * resolves once the child says it is ready; `stop()` kills it, waits for its exit and removes the folder. A child is
 * also killed (and its folder removed) when this process exits, so a failing test does not leave one behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';

/** Options of {@link startNats}. */
export interface NatsOptions {
  /** NATS to join (default: `NATS_URL` from the environment; when neither is set, a local child is started). */
  url?: string;
  /** The `nats-server` binary (default: the first on PATH, else /usr/sbin/nats-server). */
  binary?: string;
  /** How long the child may take to become ready, in ms (default 10000). */
  readyTimeoutMs?: number;
  /** Environment to read `NATS_URL` and `PATH` from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Embedded only: also serve the server's HTTP monitoring (`/varz`, `/connz`, ...) on 127.0.0.1 at this port (0: a free
   * port); see {@link NatsHandle.monitorUrl}. Ignored when joining a URL.
   */
  monitorPort?: number;
}

/** Options of {@link NatsHandle.connect}. */
export interface NatsConnectOptions {
  /** The connection's name, as the server's monitoring (`/connz`) lists it (default 'stratum'). */
  name?: string;
}

/** A NATS to connect to: the one joined, or the local child started. */
export interface NatsHandle {
  /** Its client URL, e.g. `nats://127.0.0.1:4222`. */
  readonly url: string;
  /** True when {@link startNats} started a local `nats-server` child (false when joining a URL). */
  readonly embedded: boolean;
  /** The child's process id (embedded only). */
  readonly pid?: number;
  /** The child's JetStream store folder (embedded only; removed by `stop`). */
  readonly storeDir?: string;
  /** The child's HTTP monitoring, e.g. `http://127.0.0.1:8222/` (embedded, with `monitorPort` only). */
  readonly monitorUrl?: string;
  /** Opens a new client connection; `stop` closes the ones still open. */
  connect(options?: NatsConnectOptions): Promise<NatsConnection>;
  /** Closes the connections opened here, then (embedded) kills the child, waits for its exit and removes its folder. */
  stop(): Promise<void>;
}

/** The command that installs `nats-server` on Debian and Ubuntu. */
export const NATS_INSTALL_HINT = 'apt-get update && apt-get install -y nats-server';

/** Where `nats-server` is looked for after PATH. */
const FALLBACK_BINARY = '/usr/sbin/nats-server';

/** The path of `nats-server` (PATH first, then /usr/sbin), or undefined when it is not installed. */
export function findNatsServer(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...dirs.map((d) => join(d, 'nats-server')), FALLBACK_BINARY].find(executable);
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Joins the NATS at `url` / `NATS_URL`, or starts a local `nats-server` with JetStream (see the module comment). */
export async function startNats(options: NatsOptions = {}): Promise<NatsHandle> {
  const env = options.env ?? process.env;
  const url = options.url ?? (env.NATS_URL || undefined);
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  if (!Number.isInteger(readyTimeoutMs) || readyTimeoutMs < 100 || readyTimeoutMs > 120_000) {
    throw new RangeError(`readyTimeoutMs must be an integer in 100..120000, got ${readyTimeoutMs}`);
  }
  const monitorPort = options.monitorPort;
  if (monitorPort !== undefined && (!Number.isInteger(monitorPort) || monitorPort < 0 || monitorPort > 65535)) {
    throw new RangeError(`monitorPort must be an integer in 0..65535, got ${monitorPort}`);
  }
  if (url !== undefined) return joined(url);
  const binary = options.binary ?? findNatsServer(env);
  const where = options.binary === undefined ? `on PATH or at ${FALLBACK_BINARY}` : `at ${options.binary}`;
  if (binary === undefined || !executable(binary)) {
    throw new Error(`nats-server is not installed (none ${where}); install it with ` +
      `\`${NATS_INSTALL_HINT}\`, or set NATS_URL to join a running NATS with JetStream`);
  }
  return embedded(binary, readyTimeoutMs, monitorPort);
}

/** Connections opened through a handle, closed by its `stop`. */
function connections(url: string): { connect(options?: NatsConnectOptions): Promise<NatsConnection>; closeAll(): Promise<void> } {
  const open = new Set<NatsConnection>();
  return {
    async connect(options = {}) {
      const nc = await natsConnect({ servers: url, name: options.name ?? 'stratum' });
      open.add(nc);
      void nc.closed().then(() => open.delete(nc));
      return nc;
    },
    async closeAll() {
      await Promise.all([...open].map((nc) => nc.close().catch(() => undefined)));
      open.clear();
    },
  };
}

function joined(url: string): NatsHandle {
  const conns = connections(url);
  return { url, embedded: false, connect: conns.connect, stop: conns.closeAll };
}

/** A free TCP port on 127.0.0.1 (free when asked; the child binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The last `n` lines of `text`. */
function tail(text: string, n = 15): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * Runs `$@` (nats-server and its arguments) and waits for it. A watcher reads the shell's standard input: when it ends
 * (the parent is gone, however it died, or it closed the pipe) the server is told to stop. SIGTERM or SIGINT to the
 * shell also stops the server; the shell exits once the server has, with its status. (A parent killed by SIGKILL
 * leaves the store folder in the temporary directory; the processes all stop.)
 */
const LIFELINE = [
  'exec 3<&0',
  '"$@" </dev/null & p=$!',
  '( cat <&3 >/dev/null; kill -TERM $p 2>/dev/null ) & w=$!',
  'exec 3<&-',
  "trap 'kill -TERM $p 2>/dev/null' TERM INT",
  'wait $p; wait $p; s=$?',
  'kill $w 2>/dev/null',
  'exit $s',
].join('\n');

async function embedded(binary: string, readyTimeoutMs: number, monitorPort: number | undefined): Promise<NatsHandle> {
  const storeDir = mkdtempSync(join(tmpdir(), 'stratum-nats-'));
  // Taken between freePort and the child's bind by someone else: the child exits and the next attempt takes another.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const monitor = monitorPort === 0 ? await freePort() : monitorPort;
    // The monitoring listens on the -a address (127.0.0.1) too.
    const monitorArgs = monitor === undefined ? [] : ['-m', String(monitor)];
    // Through a small shell (LIFELINE): its standard input is a pipe from this process, so that the server stops and
    // its folder goes even when this process dies without running its exit handlers (SIGKILL).
    const child = spawn('/bin/sh', ['-c', LIFELINE, 'nats-lifeline', binary, '-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), ...monitorArgs], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const cleanup = (): void => {
      child.stdin!.destroy(); // the lifeline: the watcher stops the server
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(storeDir, { recursive: true, force: true });
    };
    process.on('exit', cleanup);
    try {
      await ready(child, readyTimeoutMs, binary);
    } catch (err) {
      await killAndWait(child);
      process.off('exit', cleanup);
      lastError = err as Error;
      if (!/address already in use/i.test(lastError.message)) break;
      continue;
    }
    const url = `nats://127.0.0.1:${port}`;
    const conns = connections(url);
    let stopped: Promise<void> | undefined;
    return {
      url, embedded: true, pid: child.pid, storeDir, connect: conns.connect,
      ...(monitor === undefined ? {} : { monitorUrl: `http://127.0.0.1:${monitor}/` }),
      stop() {
        stopped ??= (async () => {
          await conns.closeAll();
          await killAndWait(child);
          process.off('exit', cleanup);
          rmSync(storeDir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  }
  rmSync(storeDir, { recursive: true, force: true });
  throw lastError!;
}

/** Resolves once the child logs that it is ready; rejects (with its stderr tail) if it exits or takes too long. */
function ready(child: ChildProcess, timeoutMs: number, binary: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const done = (err?: Error): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      child.stderr!.off('data', onData);
      child.stderr!.resume(); // keep draining, so a chatty server never blocks on a full pipe
      if (err) reject(err); else resolve();
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes('Server is ready')) done();
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done(new Error(`nats-server (${binary}) exited before it was ready (code ${code}, signal ${signal}):\n${tail(log)}`));
    };
    const onError = (err: Error): void => done(new Error(`nats-server (${binary}) could not start: ${err.message}`));
    const timer = setTimeout(() => {
      done(new Error(`nats-server (${binary}) was not ready after ${timeoutMs} ms:\n${tail(log)}`));
    }, timeoutMs);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Kills the child (TERM, then KILL after 3 s) and resolves once it has exited. */
function killAndWait(child: ChildProcess): Promise<void> {
  // No pid: the spawn itself failed, there is nothing to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(hard); resolve(); });
    child.kill('SIGTERM');
    child.stdin?.destroy(); // and the lifeline, should the shell be past its trap
  });
}

/**
 * Measures the round trip to the NATS server every `everyMs` (default 5000; integer 100..600000) with the client's
 * `rtt()` and passes it, in seconds, to `observe` (a process's `stratum_nats_round_trip_seconds`). A failed
 * measurement (the connection is closing or reconnecting) is skipped. Returns the stop function.
 */
export function sampleNatsRoundTrips(nc: NatsConnection, observe: (seconds: number) => void, everyMs = 5000): () => void {
  if (!Number.isInteger(everyMs) || everyMs < 100 || everyMs > 600_000) throw new RangeError(`everyMs must be an integer in 100..600000, got ${everyMs}`);
  let busy = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (busy || nc.isClosed()) return;
    busy = true;
    nc.rtt().then((ms) => { if (!stopped) observe(ms / 1000); }, () => {}).finally(() => { busy = false; });
  }, everyMs);
  timer.unref();
  return () => {
    stopped = true; // a measurement still on its way is not reported
    clearInterval(timer);
  };
}
