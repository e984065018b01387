/**
 * The durable block-edit log of the regions, on JetStream (Node only). Terrain comes from the generator's seed, so a
 * region is its edits: one file-stored stream ({@link EDIT_STREAM}) with a subject per region
 * (`stratum.edits.<region key>`), one message per tick's batch, `{tick, edits: [{x, y, z, block}]}` in MessagePack.
 *
 * - An edit is durable once `appendEdits` resolves: it waits for the server's PubAck, which JetStream sends after the
 *   message is in the stream; that is the point where a shard may acknowledge the edit to its players.
 * - Appends are optimistic: a writer passes the sequence of the region's last batch it knows (`expectLastSeq`, 0 for
 *   an empty region) and the server refuses the batch ({@link StaleAppendError}) if another batch came since. A shard
 *   deposed while stalled learns it on its first late append, instead of forking the region's history. A shard
 *   that takes a region over should fence it at once: load it, then append an empty batch expecting its `lastSeq`.
 *   From then on the old owner's appends are refused; and if the old owner's append landed first, the fence is
 *   refused instead and the new owner reloads.
 * - Snapshots go to a key-value bucket ({@link SNAPSHOT_BUCKET}, key = region key, one value kept): the caller's
 *   bytes (e.g. the region's encoded edits) and the last stream sequence they include. `loadRegion` is the latest
 *   snapshot plus every batch after it. A snapshot must fit the server's max payload (1 MB by default).
 *
 * Sequences are stream sequences (shared by all regions, increasing), so "after the snapshot" is `seq > uptoSeq`.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Packr } from 'msgpackr';
import { parseRegionKey, regionKey, regionOfBlock, type RegionKey } from './region.ts';

/** The default edit stream. */
export const EDIT_STREAM = 'STRATUM_EDITS';
/** The default subject prefix; a region's batches go to `<prefix>.<region key>`. */
export const EDIT_SUBJECT_PREFIX = 'stratum.edits';
/** The default snapshot bucket. */
export const SNAPSHOT_BUCKET = 'stratum-snapshots';

/** JetStream's "wrong last sequence" error code. */
const WRONG_LAST_SEQUENCE = 10071;

/** One block edit. */
export interface BlockEdit {
  /** Block x. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** Block id now at the position. */
  block: number;
}

/** The edits of one tick in one region. */
export interface EditBatch {
  /** Server tick of the edits. */
  tick: number;
  /** The edits, in the order they were applied. */
  edits: BlockEdit[];
}

/** A batch as stored, with its stream sequence. */
export interface LoggedBatch extends EditBatch {
  /** Stream sequence of the batch. */
  seq: number;
}

/** A region snapshot. */
export interface RegionSnapshot {
  /** The caller's encoding of the region's state. */
  bytes: Uint8Array;
  /** The last stream sequence the snapshot includes (0: none). */
  uptoSeq: number;
}

/** What rebuilds a region: its latest snapshot, then the batches after it. */
export interface LoadedRegion {
  /** The latest snapshot, if any. */
  snapshot?: RegionSnapshot;
  /** The batches after the snapshot (all of them without one), in order. */
  batches: LoggedBatch[];
  /** Sequence of the region's last batch (0 when it has none): the next append's `expectLastSeq`. */
  lastSeq: number;
}

/** Options of {@link EditLog.appendEdits}. */
export interface AppendOptions {
  /**
   * The sequence of the region's last batch as this writer knows it (0: the region has none); the server refuses the
   * batch if another was appended since. Omitted: no check.
   */
  expectLastSeq?: number;
}

/** The server refused an append: the region's last batch is not the one the writer expected. */
export class StaleAppendError extends Error {
  /** The region. */
  readonly region: RegionKey;
  /** The sequence the writer expected. */
  readonly expected: number;

  /** An error for `region`, whose writer expected `expected`. */
  constructor(region: RegionKey, expected: number, options?: ErrorOptions) {
    super(`append to region ${region} refused: its last batch is no longer ${expected} (another writer appended)`, options);
    this.name = 'StaleAppendError';
    this.region = region;
    this.expected = expected;
  }
}

/** Options of {@link openEditLog}. */
export interface EditLogOptions {
  /** The stream (default {@link EDIT_STREAM}). */
  stream?: string;
  /** The subject prefix (default {@link EDIT_SUBJECT_PREFIX}). */
  subjectPrefix?: string;
  /** The snapshot bucket (default {@link SNAPSHOT_BUCKET}). */
  snapshotBucket?: string;
}

/** The regions' edit log. */
export interface EditLog {
  /** The stream. */
  readonly stream: string;
  /** The subject of a region's batches. */
  subject(region: RegionKey): string;
  /**
   * Appends one batch to the region; resolves with its sequence once the server has stored it (the PubAck).
   * Throws {@link StaleAppendError} when `expectLastSeq` is given and is not the region's last sequence, and a
   * RangeError on an edit outside the region.
   */
  appendEdits(region: RegionKey, batch: EditBatch, options?: AppendOptions): Promise<number>;
  /** Sequence of the region's last batch (0: none). */
  lastSeq(region: RegionKey): Promise<number>;
  /** The region's batches with sequence >= `fromSeq` (default 1), in order, up to its last batch when called. */
  readRegion(region: RegionKey, fromSeq?: number): Promise<LoggedBatch[]>;
  /** Stores a snapshot of the region including every batch up to `uptoSeq`; it replaces the previous one. */
  saveSnapshot(region: RegionKey, bytes: Uint8Array, uptoSeq: number): Promise<void>;
  /** The region's latest snapshot, if any. */
  loadSnapshot(region: RegionKey): Promise<RegionSnapshot | undefined>;
  /** The latest snapshot and the batches after it. */
  loadRegion(region: RegionKey): Promise<LoadedRegion>;
  /**
   * Snapshots a region when its stream has batches past its latest snapshot: the region's edits so far, compacted to
   * the last block of each position ({@link encodeEditSnapshot}), up to its last sequence. Resolves true when it
   * saved one. The owner calls it now and then, so that rebuilding a region reads the snapshot and a short tail.
   */
  snapshotRegion(region: RegionKey): Promise<boolean>;
}

/** Plain MessagePack (no msgpackr records), so the stored bytes stay readable by any MessagePack decoder. */
const packr = new Packr({ useRecords: false, moreTypes: false });

function checkBatch(region: RegionKey, batch: EditBatch): void {
  const { rx, rz } = parseRegionKey(region);
  if (!Number.isSafeInteger(batch.tick) || batch.tick < 0) throw new RangeError(`batch tick must be an integer >= 0, got ${batch.tick}`);
  if (!Array.isArray(batch.edits)) throw new RangeError('batch edits must be an array');
  for (const e of batch.edits) {
    for (const k of ['x', 'y', 'z', 'block'] as const) {
      if (!Number.isSafeInteger(e[k])) throw new RangeError(`edit ${k} must be an integer, got ${e[k]}`);
    }
    const r = regionOfBlock(e.x, e.z);
    if (r.rx !== rx || r.rz !== rz) {
      throw new RangeError(`edit at (${e.x}, ${e.y}, ${e.z}) is in region ${regionKey(r)}, not ${region}`);
    }
  }
}

function checkSeq(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

/** Opens (creating when needed) the edit stream and the snapshot bucket. */
export async function openEditLog(nc: NatsConnection, options: EditLogOptions = {}): Promise<EditLog> {
  const stream = options.stream ?? EDIT_STREAM;
  const prefix = options.subjectPrefix ?? EDIT_SUBJECT_PREFIX;
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);
  const config = { name: stream, subjects: [`${prefix}.>`], storage: StorageType.File };
  try {
    await jsm.streams.info(stream);
  } catch {
    await jsm.streams.add(config);
  }
  const snapshots: KV = await new Kvm(nc).create(options.snapshotBucket ?? SNAPSHOT_BUCKET, { history: 1 });
  const subject = (region: RegionKey): string => {
    parseRegionKey(region);
    return `${prefix}.${region}`;
  };

  const lastSeq = async (region: RegionKey): Promise<number> => {
    const m = await jsm.streams.getMessage(stream, { last_by_subj: subject(region) });
    return m?.seq ?? 0;
  };

  const readRegion = async (region: RegionKey, fromSeq = 1): Promise<LoggedBatch[]> => {
    checkSeq('fromSeq', fromSeq, 1);
    const last = await lastSeq(region);
    if (last < fromSeq) return [];
    const consumer = await js.consumers.get(stream, {
      filter_subjects: subject(region), deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq,
    });
    const messages = await consumer.consume();
    const out: LoggedBatch[] = [];
    try {
      for await (const m of messages) {
        const b = packr.unpack(m.data) as EditBatch;
        out.push({ seq: m.seq, tick: b.tick, edits: b.edits });
        // Up to the last batch seen before reading; pending 0 also ends it should that batch be gone since.
        if (m.seq >= last || m.info.pending === 0) break;
      }
    } finally {
      messages.stop();
    }
    return out;
  };

  const loadSnapshot = async (region: RegionKey): Promise<RegionSnapshot | undefined> => {
    const e = await snapshots.get(region);
    if (!e || e.operation !== 'PUT') return undefined;
    const s = packr.unpack(e.value) as { uptoSeq: number; bytes: Uint8Array };
    return { uptoSeq: s.uptoSeq, bytes: new Uint8Array(s.bytes) };
  };

  const log: EditLog = {
    stream,
    subject,
    async appendEdits(region, batch, opts = {}) {
      checkBatch(region, batch);
      const expect = opts.expectLastSeq;
      if (expect !== undefined) checkSeq('expectLastSeq', expect, 0);
      const data = packr.pack({ tick: batch.tick, edits: batch.edits.map(({ x, y, z, block }) => ({ x, y, z, block })) });
      try {
        const ack = await js.publish(subject(region), data, expect === undefined ? {} : { expect: { lastSubjectSequence: expect } });
        return ack.seq;
      } catch (err) {
        if ((err as { code?: unknown }).code === WRONG_LAST_SEQUENCE) throw new StaleAppendError(region, expect ?? 0, { cause: err });
        throw err;
      }
    },
    lastSeq,
    readRegion,
    async saveSnapshot(region, bytes, uptoSeq) {
      parseRegionKey(region);
      checkSeq('uptoSeq', uptoSeq, 0);
      const value = packr.pack({ uptoSeq, bytes });
      const max = nc.info?.max_payload ?? 1024 * 1024;
      // Leave room for the message's subject and headers.
      if (value.length > max - 1024) {
        throw new RangeError(`snapshot of region ${region} is ${value.length} bytes; the server takes at most ${max - 1024}`);
      }
      await snapshots.put(region, value);
    },
    loadSnapshot,
    async snapshotRegion(region) {
      const loaded = await log.loadRegion(region);
      if (loaded.lastSeq <= (loaded.snapshot?.uptoSeq ?? 0)) return false;
      await log.saveSnapshot(region, encodeEditSnapshot(regionEdits(loaded)), loaded.lastSeq);
      return true;
    },
    async loadRegion(region) {
      const snapshot = await loadSnapshot(region);
      const batches = await readRegion(region, (snapshot?.uptoSeq ?? 0) + 1);
      const lastSeqNow = batches.length ? batches[batches.length - 1].seq : await lastSeq(region);
      return snapshot ? { snapshot, batches, lastSeq: lastSeqNow } : { batches, lastSeq: lastSeqNow };
    },
  };
  return log;
}

/** Encodes a region's edits as a snapshot's bytes (plain MessagePack: `[[x, y, z, block], ...]`). */
export function encodeEditSnapshot(edits: readonly BlockEdit[]): Uint8Array {
  return packr.pack(edits.map((e) => [e.x, e.y, e.z, e.block]));
}

/** Decodes a snapshot's bytes; throws a RangeError naming what is wrong for bytes that are not such a snapshot. */
export function decodeEditSnapshot(bytes: Uint8Array): BlockEdit[] {
  const rows = packr.unpack(bytes) as unknown;
  if (!Array.isArray(rows)) throw new RangeError('an edit snapshot is a list of [x, y, z, block]');
  return rows.map((r, i) => {
    if (!Array.isArray(r) || r.length !== 4 || !r.every(Number.isInteger)) throw new RangeError(`edit snapshot row ${i} is not [x, y, z, block] integers`);
    return { x: r[0], y: r[1], z: r[2], block: r[3] };
  });
}

/**
 * A loaded region's edits in order, the snapshot's first, compacted to the last block of each position: applying them
 * to the generated terrain rebuilds the region.
 */
export function regionEdits(loaded: LoadedRegion): BlockEdit[] {
  const last = new Map<string, BlockEdit>();
  const all = [...(loaded.snapshot ? decodeEditSnapshot(loaded.snapshot.bytes) : []), ...loaded.batches.flatMap((b) => b.edits)];
  for (const e of all) {
    const key = `${e.x},${e.y},${e.z}`;
    last.delete(key); // re-inserted last: the map keeps the order of each position's latest edit
    last.set(key, { x: e.x, y: e.y, z: e.z, block: e.block });
  }
  return [...last.values()];
}
