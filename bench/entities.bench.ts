/**
 * Entity bench, "entity-delta N walkers 10 Hz": N scripted bots walk, sprint, turn and jump under the real simulation
 * step; every 2nd tick all N are replicated to one client that sees them all. Ours: `encodeEntityUpdate` deltas
 * against the client's acknowledged baseline over a simulated link (delay and loss both ways, see entity-link.ts),
 * the client applying each update and checked exact. Peer, same movement in the same run: `@colyseus/schema`, one
 * state with a MapSchema of entities, `encodeAll()` at join, then `encode()` of the changes per replication tick
 * over a reliable channel (see colyseus-peer.ts), the client decoding and checked exact.
 *
 * Definitions (the same for every row):
 * - an entity update is one entity's record in a message: ours, an entity whose state differs from the baseline the
 *   delta is against (`EntityUpdate.count`); the peer, an entity with at least one changed field since the previous
 *   patch (what its `encode()` includes);
 * - bytes are payload bytes: ours the EntityDelta `data` (its entity count, removed-id list included), the peer the
 *   `encode()` output. Message framing is reported apart: ours the whole framed EntityDelta message (u32 length, u8
 *   type, msgpack [tick, baselineTick, bin]), the peer plus the 1-byte ROOM_STATE_PATCH id Colyseus puts in front.
 *   Transport headers (QUIC/UDP/IP, WebSocket/TCP/IP) are counted for neither;
 * - the join (first full state) happens in a 1 s warm-up and is reported apart; all sums cover the measured seconds.
 */
import { writeFileSync } from 'node:fs';
import type { EntityState } from '../engine/codec/entity-delta.ts';
import { TICK_HZ, TICK_MS } from '../engine/tick.ts';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import { ENTITY_EVERY } from '../engine/server/replicator.ts';
import { COLYSEUS_VARIANTS, createColyseusPeer, type ColyseusPeer, type ColyseusVariant } from './colyseus-peer.ts';
import { replicateEntities, type LinkOptions, type ReplicateResult } from './entity-link.ts';
import { createWalkers } from './entity-walkers.ts';

const OPTIONS = {
  entities: { kind: 'int', default: 100, min: 1, max: 1000, help: 'walking entities, all seen by the one client' },
  mobs: { kind: 'int', default: 0, min: 0, max: 1000, help: 'mobs (sheep and pigs, game/mobs.ts) among them, also all seen by the client' },
  seconds: { kind: 'int', default: 30, min: 1, max: 3600, help: 'simulated seconds measured (after a 1 s warm-up)' },
  seed: { kind: 'int', default: 1, min: 0, max: 4294967295, help: 'bot and link seed' },
  loss: { kind: 'number', default: 0.05, min: 0, max: 0.9, help: 'chance an entity update datagram is lost' },
  'ack-loss': { kind: 'number', default: 0.05, min: 0, max: 1, help: 'chance an ack (input datagram) is lost' },
  'latency-ms': { kind: 'int', default: 50, min: 0, max: 1000, help: 'one-way delay each way, rounded to whole ticks' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** One row of the table. */
export interface EntityCodecFigures {
  /** Row name: codec and link. */
  name: string;
  /** Entity updates sent (records), summed over the measured updates. */
  entityUpdates: number;
  /** Payload bytes per entity update. */
  bytesPerEntityUpdate: number;
  /** Payload bytes per update message, mean. */
  bytesPerUpdate: number;
  /** Payload kilobytes (1000 bytes) per second to the one client. */
  kbpsPerClient: number;
  /** Framed kilobytes per second (framing as defined above). */
  framedKbpsPerClient: number;
  /** 1 - payload bytes / full snapshot bytes (`fullSnapshotBytes(N)` per update). */
  savingsVsFullSnapshot: number;
  /** Bytes of the join (first full state). */
  joinBytes: number;
  /** Microseconds per update spent encoding on the server (wall time; the peer's includes its change tracking). */
  encodeUsPerUpdate: number;
}

interface Run {
  ours: ReplicateResult;
  peers: Map<ColyseusVariant, { peer: ColyseusPeer; join: number; bytes: number; framed: number; records: number; patches: number; encodeMs: number; mismatches: number }>;
}

function sameState(a: EntityState, b: EntityState): boolean {
  for (let i = 0; i < a.v.length; i++) if (a.v[i] !== b.v[i]) return false;
  return true;
}

function run(entities: number, seed: number, seconds: number, link: LinkOptions, withPeers: boolean, mobs = 0): Run {
  const walkers = createWalkers({ entities, seed, mobs });
  const peers: Run['peers'] = new Map();
  if (withPeers) {
    for (const v of COLYSEUS_VARIANTS) peers.set(v, { peer: createColyseusPeer(v, walkers.layout), join: 0, bytes: 0, framed: 0, records: 0, patches: 0, encodeMs: 0, mismatches: 0 });
  }
  let prev: readonly EntityState[] | null = null;
  const ours = replicateEntities({
    walkers, every: ENTITY_EVERY, warmupTicks: TICK_HZ, ticks: seconds * TICK_HZ, link,
    onReplicate(_tick, states, measured) {
      // Entities the peer's patch includes: changed since the previous replication tick.
      const changed = prev ? states.filter((s, i) => !sameState(s, prev![i])).length : states.length;
      for (const p of peers.values()) {
        if (!prev) { p.join = p.peer.join(states); continue; }
        const t0 = performance.now();
        const patch = p.peer.update(states);
        const ms = performance.now() - t0;
        if (patch) p.peer.receive(patch);
        if (!p.peer.clientEquals(states)) p.mismatches++;
        if (!measured) continue;
        p.encodeMs += ms;
        p.bytes += patch?.length ?? 0;
        p.framed += patch ? patch.length + 1 : 0;
        p.patches += patch ? 1 : 0;
        p.records += changed;
      }
      prev = states;
    },
  });
  return { ours, peers };
}

function oursRow(name: string, r: ReplicateResult, seconds: number): EntityCodecFigures {
  return {
    name, entityUpdates: r.entityRecords, bytesPerEntityUpdate: r.payloadBytes / r.entityRecords, bytesPerUpdate: r.payloadBytes / r.updates,
    kbpsPerClient: r.payloadBytes / seconds / 1000, framedKbpsPerClient: r.framedBytes / seconds / 1000,
    savingsVsFullSnapshot: 1 - r.payloadBytes / r.fullSnapshotBytes, joinBytes: r.joinBytes, encodeUsPerUpdate: (r.encodeMs * 1000) / r.updates,
  };
}

function printTable(rows: EntityCodecFigures[]): void {
  const head = ['workload / codec', 'entity upd', 'B/entity upd', 'B/update', 'KB/s/client', 'framed KB/s', 'savings', 'join B', 'us/update'];
  const body = rows.map((r) => [
    r.name, String(r.entityUpdates), r.bytesPerEntityUpdate.toFixed(2), r.bytesPerUpdate.toFixed(1), r.kbpsPerClient.toFixed(2),
    r.framedKbpsPerClient.toFixed(2), `${(r.savingsVsFullSnapshot * 100).toFixed(1)}%`, String(r.joinBytes), r.encodeUsPerUpdate.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  for (const line of [head, ...body]) console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

/** The `entities` bench. */
export const entitiesBench: Bench = {
  summary: 'entity-delta N walkers 10 Hz: bytes per entity update and KB/s per client, against @colyseus/schema',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench entities [options]', 'Entity delta bytes for N walking bots at 10 Hz, ours and @colyseus/schema.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const latencyTicks = Math.round(o['latency-ms'] / TICK_MS);
    const link: LinkOptions = { loss: o.loss, ackLoss: o['ack-loss'], latencyTicks, seed: o.seed };
    const workload = `entity-delta ${o.entities} walkers${o.mobs ? ` + ${o.mobs} mobs` : ''} ${TICK_HZ / ENTITY_EVERY} Hz`;
    const linkName = `loss ${(o.loss * 100).toFixed(0)}%/${(o['ack-loss'] * 100).toFixed(0)}% acks, ${latencyTicks * TICK_MS} ms one-way`;
    const main = run(o.entities, o.seed, o.seconds, link, true, o.mobs);
    const ideal = run(o.entities, o.seed, o.seconds, { loss: 0, ackLoss: 0, latencyTicks: 0, seed: o.seed }, false, o.mobs);
    const full = main.ours.fullSnapshotBytes;
    const rows: EntityCodecFigures[] = [
      oursRow(`${workload}, stratum, ${linkName}`, main.ours, o.seconds),
      oursRow(`${workload}, stratum, perfect link (no loss, acks next tick)`, ideal.ours, o.seconds),
    ];
    const peerFigures: Record<string, EntityCodecFigures> = {};
    for (const [variant, p] of main.peers) {
      const row: EntityCodecFigures = {
        name: `${workload}, @colyseus/schema ${variant}, reliable`, entityUpdates: p.records, bytesPerEntityUpdate: p.bytes / p.records,
        bytesPerUpdate: p.bytes / main.ours.updates, kbpsPerClient: p.bytes / o.seconds / 1000, framedKbpsPerClient: p.framed / o.seconds / 1000,
        savingsVsFullSnapshot: 1 - p.bytes / full, joinBytes: p.join, encodeUsPerUpdate: (p.encodeMs * 1000) / main.ours.updates,
      };
      rows.push(row);
      peerFigures[variant] = row;
    }
    const r = main.ours;
    console.log(`entities bench: ${workload}, ${o.seconds} simulated s after a 1 s warm-up, seed ${o.seed} (Node ${process.version})`);
    console.log(`stratum link: ${linkName}; ${r.updates} updates, ${r.lost} lost, ${r.applied} applied, ${r.againstZero} against zero, largest ${r.maxPayloadBytes} B`);
    printTable(rows);
    const ratio = peerFigures.int.bytesPerEntityUpdate / rows[0].bytesPerEntityUpdate;
    console.log(`@colyseus/schema int (same 1/16 quantization) uses ${ratio.toFixed(2)}x the bytes per entity update; KB/s ratio ${(peerFigures.int.kbpsPerClient / rows[0].kbpsPerClient).toFixed(2)}x`);
    console.log('B = payload bytes; framed adds our u32 length + type + msgpack [tick, baselineTick, bin] and Colyseus\'s 1-byte patch id; KB = 1000 B');
    const mismatches = r.mismatches + ideal.ours.mismatches + [...main.peers.values()].reduce((n, p) => n + p.mismatches, 0);
    if (o.json) {
      const peers = Object.fromEntries(COLYSEUS_VARIANTS.map((v) => [v === 'int' ? 'colyseus-schema' : `colyseus-schema-${v}`, peerFigures[v]]));
      writeFileSync(o.json, JSON.stringify({
        workload, node: process.version, entities: o.entities, mobs: o.mobs, seconds: o.seconds, seed: o.seed, link: { ...link, latencyMs: latencyTicks * TICK_MS },
        bytesPerEntityUpdate: rows[0].bytesPerEntityUpdate, kbpsPerClient: rows[0].kbpsPerClient, savingsVsFullSnapshot: rows[0].savingsVsFullSnapshot,
        framedKbpsPerClient: rows[0].framedKbpsPerClient, bytesPerUpdate: rows[0].bytesPerUpdate, joinBytes: rows[0].joinBytes,
        updates: r.updates, lost: r.lost, applied: r.applied, againstZero: r.againstZero, mismatches,
        perfectLink: rows[1], peers,
        units: {
          bytesPerEntityUpdate: 'payload bytes / entity records sent (ours: changed since the baseline; peer: changed since the previous patch)',
          kbpsPerClient: 'payload kilobytes (1000 B) per second to one client seeing all entities',
          savingsVsFullSnapshot: '1 - payload bytes / fullSnapshotBytes(entities) per update, 0..1',
        },
      }, null, 2) + '\n');
    }
    if (mismatches > 0) {
      console.error(`entities bench: ${mismatches} update(s) left a client different from the server`);
      return 1;
    }
    return 0;
  },
};
