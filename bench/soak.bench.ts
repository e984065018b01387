/**
 * Block soak, "soak N crowding builders in one A x A area": a server process (`stratum-voxel serve`, superflat) and N bots
 * in this process over WebTransport on 127.0.0.1, all inside one small area, placing and breaking a block every other
 * tick, on each other's cells too. Progress every 30 s. At the end the bots stop acting, every answer and update
 * lands, and every bot's view of the area (plus a margin) is compared cell by cell with the server's (the `blocks`
 * diagnostics command). Reports disconnects with reasons, phantom cells, refused actions by reason and resyncs;
 * exits 1 on any disconnect or phantom cell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEventBus } from '../engine/events.ts';
import { hexToBytes, loadHasher } from '../engine/hash.ts';
import { Channel } from '../engine/net/channels.ts';
import { createNetClient, type NetClientEvents } from '../engine/net/client.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { nodeZstd } from '../engine/platform/node/zstd.ts';
import { protocolIdentity } from '../engine/protocol/handshake.ts';
import { GAME_PROTOCOL } from '../game/protocol.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import { createRng } from '../engine/rng.ts';
import type { ClientEvents } from '../engine/client/client-events.ts';
import { crowdBot, type CrowdArea } from '../game/client/crowd-bot.ts';
import { createGameClient, type GameClient } from '../engine/client/game-client.ts';
import { fetchConnectInfo } from '../game/commands/bot.ts';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import { boxArgs, MAX_BOX_CELLS, parseBlocksAnswer, readBox, type Box } from '../engine/server/area-blocks.ts';
import { clientTotals, createSoakTally, formatRefused, phantomCells, watchClient, type Phantom } from './soak-tally.ts';

const CLI = fileURLToPath(new URL('../game/cli.ts', import.meta.url));

const OPTIONS = {
  bots: { kind: 'int', default: 20, min: 1, max: 200, help: 'crowding builder bots' },
  minutes: { kind: 'number', default: 10, min: 0.1, max: 600, help: 'how long they build' },
  area: { kind: 'int', default: 8, min: 2, max: 32, help: 'side of the square area they crowd into, blocks' },
  seed: { kind: 'int', default: 1, min: 0, max: 4294967295, help: 'behaviour seed' },
  every: { kind: 'int', default: 30, min: 1, max: 3600, help: 'seconds between progress lines' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `stratum-voxel serve` with `args`; resolves with the page URL once it is ready. */
function startServer(args: string[]): Promise<{ proc: ChildProcess; url: string; output: string[] }> {
  const proc = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (d: Buffer) => { output.push(...d.toString().split('\n').filter(Boolean)); if (output.length > 2000) output.splice(0, output.length - 2000); };
  proc.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      keep(d);
      const m = output.join('\n').match(/ready: open (https?:\/\/\S+)/);
      if (m) resolve({ proc, url: m[1], output });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output.join('\n')}`)));
  });
}

/** The `soak` bench. */
export const soakBench: Bench = {
  summary: 'N crowding builder bots in one small area for M minutes: disconnects, phantom blocks, refusals, resyncs',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench soak [options]', 'A server process and N crowding builder bots over WebTransport; exit 1 on any disconnect or phantom block.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const token = 'soak-bench';
    const half = Math.floor(o.area / 2);
    const area: CrowdArea = { x0: -half, z0: -half, size: o.area, ground: 7 }; // superflat: grass top at y = 6
    const radius = Math.ceil((half + 8) / 16) + 3;
    const server = await startServer(['--storage', 'none', '--world', 'superflat', '--world-radius', String(radius), '--view-distance', '3',
      '--column-sections', '4', '--http-port', '0', '--port', '0', '--admin-token', token, '--threads', '1',
      '--max-sessions-per-address', String(o.bots + 8), '--max-players', String(o.bots + 8)]);
    console.log(`soak ${o.bots} crowding builders in one ${o.area} x ${o.area} area for ${o.minutes} min: server at ${server.url}`);
    const hasher = await loadHasher();
    const identity = protocolIdentity(GAME_PROTOCOL, hasher);
    const info = await fetchConnectInfo(server.url);
    const connect = await nodeWebTransportConnector({ url: info.webTransportUrl, certHash: hexToBytes(info.certHashHex) });
    const scheduler = createRealtimeScheduler();
    const tally = createSoakTally();
    const warnings: string[] = [];
    let acting = true;
    const bots: GameClient[] = [];
    const names: string[] = [];
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    try {
      for (let i = 1; i <= o.bots; i++) {
        const bus = createEventBus<ClientEvents>();
        const name = `soak${i}`;
        watchClient(tally, name, bus);
        const c = createGameClient({
          connect, protocol: GAME_PROTOCOL, scheduler, rng: createRng(o.seed * 1000 + i), codec: { zstd: nodeZstd, hasher }, name, bus, reconnect: false,
          input: crowdBot(o.seed * 1000 + i, area, () => acting),
          log: (level, m) => { if (level !== 'info') warnings.push(`${name} ${level}: ${m}`); },
        });
        c.start();
        bots.push(c);
        names.push(name);
        await sleep(100); // players arrive one after another
      }
      while (bots.some((b) => !b.predictor) && tally.disconnects.length === 0 && elapsed() < 60) await sleep(100);
      console.log(`  ${bots.filter((b) => b.predictor).length}/${o.bots} bots joined in ${elapsed().toFixed(1)} s`);

      // The admin connection: server stats and the blocks of the area over the diagnostics channel.
      const answers = new Map<number, (text: string) => void>();
      let nextId = 1;
      const admin = createNetClient({
        connect, identity, name: 'soak-admin', scheduler, rng: createRng(7), bus: createEventBus<NetClientEvents>(), reconnect: false,
        onMessage: (_ch, m) => { if (m.type === MsgType.DiagnosticsResponse) answers.get(m.id)?.(m.text); },
      });
      admin.start();
      while (admin.state !== 'active' && elapsed() < 90) await sleep(20);
      const ask = (command: string, args: string[]) => new Promise<string>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => reject(new Error(`no answer to '${command}' in 10 s`)), 10_000);
        answers.set(id, (text) => { clearTimeout(timer); answers.delete(id); resolve(text); });
        admin.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id, token, command, args });
      });
      await ask('stats', ['reset']);

      // Build, with a progress line every `every` seconds.
      const start = elapsed();
      let tickP99Max = 0, tickMax = 0;
      const progress = async () => {
        const s = JSON.parse(await ask('stats', ['reset'])) as { tickP99Ms: number; tickMaxMs: number; kbpsPerClient: number };
        tickP99Max = Math.max(tickP99Max, s.tickP99Ms || 0);
        tickMax = Math.max(tickMax, s.tickMaxMs || 0);
        const t = clientTotals(bots);
        const connected = bots.filter((b) => b.net.state === 'active').length;
        console.log(`  [${(elapsed() - start).toFixed(0).padStart(4)} s] ${connected}/${o.bots} connected; actions ${t.actions}; confirmed ${tally.confirmed}; refused ${formatRefused(tally.refused)}; resyncs ${tally.resyncs.length}; unanswered ${t.unanswered}; disconnects ${tally.disconnects.length}; server tick p99 ${s.tickP99Ms.toFixed(1)} ms, ${s.kbpsPerClient.toFixed(1)} KB/s per client`);
      };
      const end = start + o.minutes * 60;
      let next = start + o.every;
      while (elapsed() < end) {
        await sleep(Math.max(10, Math.min(next, end) - elapsed()) * 1000);
        if (elapsed() >= next - 0.01) { await progress(); next += o.every; }
      }

      // Stop building; let every answer and section update land; compare every view with the server's.
      acting = false;
      const quiet = elapsed();
      while (bots.some((b) => b.net.state === 'active' && b.pending.size > 0) && elapsed() - quiet < 30) await sleep(100);
      await sleep(2000);
      const height = bots.find((b) => b.predictor)?.world.voxels.height ?? 64;
      const box: Box = { x0: area.x0 - 2, y0: 0, z0: area.z0 - 2, x1: area.x0 + area.size + 2, y1: height, z1: area.z0 + area.size + 2 };
      const layer = (box.x1 - box.x0) * (box.z1 - box.z0);
      const serverIds = new Uint16Array(layer * height);
      for (let y = 0; y < height; y += Math.floor(MAX_BOX_CELLS / layer)) {
        const slab = { ...box, y0: y, y1: Math.min(height, y + Math.floor(MAX_BOX_CELLS / layer)) };
        serverIds.set(parseBlocksAnswer(await ask('blocks', boxArgs(slab))), y * layer);
      }
      const phantoms: Phantom[] = [];
      bots.forEach((b, i) => { if (b.net.state === 'active') phantoms.push(...phantomCells(names[i], box, readBox(b.world.voxels, box), serverIds)); });
      const compared = bots.filter((b) => b.net.state === 'active').length;
      const totals = clientTotals(bots);
      const disconnects = [...tally.disconnects]; // before the bots are stopped below
      admin.stop();
      for (const b of bots) b.stop('soak finished');

      const resyncReasons: Record<string, number> = {};
      for (const r of tally.resyncs) { const k = r.reason.replace(/section \d+ /, 'section '); resyncReasons[k] = (resyncReasons[k] ?? 0) + 1; }
      console.log('');
      console.log(`bots ${o.bots}, joined ${bots.filter((b) => b.stats.ticks > 0).length}, ${o.minutes} min in one ${o.area} x ${o.area} area`);
      console.log(`disconnects ${disconnects.length}${disconnects.map((d) => `\n  ${d.bot}: ${d.kind}: ${d.reason}`).join('')}`);
      console.log(`phantom cells ${phantoms.length} (views of ${box.x1 - box.x0} x ${height} x ${box.z1 - box.z0} cells compared for ${compared} bots)${phantoms.slice(0, 10).map((p) => `\n  ${p.bot} (${p.x}, ${p.y}, ${p.z}): shows ${p.client}, server ${p.server}`).join('')}`);
      console.log(`actions ${totals.actions}; results: confirmed ${tally.confirmed}, refused ${Object.values(tally.refused).reduce((a, b) => a + b, 0)} (${formatRefused(tally.refused)})`);
      console.log(`resyncs ${tally.resyncs.length}${Object.entries(resyncReasons).map(([k, v]) => `\n  ${v} x ${k}`).join('')}; unanswered ${totals.unanswered}; still pending ${totals.pending}`);
      console.log(`server tick p99 (worst ${o.every} s window) ${tickP99Max.toFixed(1)} ms, max ${tickMax.toFixed(1)} ms`);
      if (warnings.length) console.log(`client warnings ${warnings.length}${warnings.slice(0, 10).map((w) => `\n  ${w}`).join('')}`);
      const pass = disconnects.length === 0 && phantoms.length === 0 && compared === o.bots;
      console.log(`\nsoak ${pass ? 'passed' : 'FAILED'}`);
      if (o.json) {
        writeFileSync(o.json, JSON.stringify({
          bots: o.bots, minutes: o.minutes, area: o.area, seed: o.seed, pass, disconnects, phantomCells: phantoms.length,
          phantoms: phantoms.slice(0, 100), comparedBots: compared, actions: totals.actions, confirmed: tally.confirmed, refused: tally.refused,
          resyncs: tally.resyncs.length, resyncReasons, unanswered: totals.unanswered, pending: totals.pending, tickP99MaxMs: tickP99Max, tickMaxMs: tickMax,
        }, null, 2) + '\n');
      }
      await sleep(300);
      return pass ? 0 : 1;
    } finally {
      for (const b of bots) b.stop('soak finished');
      server.proc.kill('SIGINT');
    }
  },
};
