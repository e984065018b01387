/**
 * What a shard makes its edits durable with (GameServerOptions.durableEdits): each tick's edits become one batch per
 * region in the edit log, appended with the region's expected last sequence (so a shard that lost a region is
 * refused, see edit-log.ts), and the tick is durable once every batch has its PubAck.
 *
 * Appends to one region go one after the other (each expects the sequence the one before got), appends to different
 * regions in parallel; a tick's write does not wait for the write of the tick before it except in the regions both
 * touch. A region whose append failed stays failed: later writes touching it reject with the same error, since its
 * last sequence is no longer known (the shard has lost it, or must reload it).
 */
import type { BlockEdit, EditLog, StaleAppendError } from './edit-log.ts';
import { parseRegionKey, regionKey, regionOfBlock, type RegionKey } from './region.ts';

/** One edit to write, with its tick (the shape of GameServerOptions.durableEdits' edits). */
export interface TickEdit extends BlockEdit {
  /** Server tick of the edit. */
  tick: number;
}

/** Options of {@link createRegionEditWriter}. */
export interface RegionEditWriterOptions {
  /** The region of block (x, z) (default: the region of engine/cluster/region.ts regionOfBlock). */
  regionOf?: (x: number, z: number) => RegionKey;
  /** Whether this shard owns a region now (holds its lease); an edit in another region is refused. */
  owns: (region: RegionKey) => boolean;
}

/** A shard's writer of region edits. */
export interface RegionEditWriter {
  /**
   * Appends the edits (in the order applied) as one batch per region, tagged `tick`; resolves when every batch is
   * stored. Rejects, appending nothing, when an edit is in a region this shard does not own or has not adopted;
   * rejects with {@link StaleAppendError} when another writer appended to one of the regions since. A function
   * property: pass `writer.write` as GameServerOptions.durableEdits.
   */
  readonly write: (edits: ReadonlyArray<TickEdit>, tick: number) => Promise<void>;
  /** Writes to `region` from now on, expecting `lastSeq` as its last sequence (LoadedRegion.lastSeq, or a fence's). */
  adopt(region: RegionKey, lastSeq: number): void;
  /**
   * Takes a region over: appends an empty batch (tick `tick`) expecting `lastSeq` (from loadRegion), so that the old
   * owner's appends are refused from then on, and adopts the region at the batch's sequence, which it returns.
   * Rejects with {@link StaleAppendError} when someone appended after `lastSeq` (reload and fence again).
   */
  fence(region: RegionKey, lastSeq: number, tick: number): Promise<number>;
  /** The region's last sequence as this writer knows it (after every append so far), undefined if not adopted. */
  lastSeq(region: RegionKey): number | undefined;
  /** Stops writing to a region (its lease given back): later edits in it are refused. */
  forget(region: RegionKey): void;
}

/** What the writer knows of an adopted region. */
interface RegionState {
  /** Its last sequence, after the appends that have completed. */
  seq: number;
  /** The last append started (never rejects: the next one chains on it). */
  tail: Promise<void>;
  /** Why an append failed, if one did: every later one fails with it. */
  failed?: unknown;
}

/** The edits grouped by region, each group in the order given, the regions in order of first edit. */
function byRegion(edits: ReadonlyArray<TickEdit>, regionOf: (x: number, z: number) => RegionKey): Map<RegionKey, BlockEdit[]> {
  const out = new Map<RegionKey, BlockEdit[]>();
  for (const { x, y, z, block } of edits) {
    const r = regionOf(x, z);
    let list = out.get(r);
    if (!list) out.set(r, list = []);
    list.push({ x, y, z, block });
  }
  return out;
}

function checkLastSeq(lastSeq: number): void {
  if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) throw new RangeError(`lastSeq must be an integer >= 0, got ${lastSeq}`);
}

/** Creates a writer; adopt (or fence) each region the shard takes before writing to it. */
export function createRegionEditWriter(log: EditLog, options: RegionEditWriterOptions): RegionEditWriter {
  const regionOf = options.regionOf ?? ((x: number, z: number) => regionKey(regionOfBlock(x, z)));
  const regions = new Map<RegionKey, RegionState>();

  /** Why this shard may not write to `region` now, if it may not. */
  const refusal = (region: RegionKey): string | undefined => {
    if (!options.owns(region)) return 'which this shard does not own';
    if (!regions.has(region)) return 'which this shard has not adopted (adopt or fence it after loading it)';
    return undefined;
  };

  /** Appends one region's batch behind the appends to it already started. */
  const append = (region: RegionKey, edits: BlockEdit[], tick: number): Promise<void> => {
    const s = regions.get(region)!;
    const run = s.tail.then(async () => {
      if (s.failed !== undefined) throw s.failed;
      try {
        s.seq = await log.appendEdits(region, { tick, edits }, { expectLastSeq: s.seq });
      } catch (e) {
        s.failed = e;
        throw e;
      }
    });
    s.tail = run.catch(() => {});
    return run;
  };

  const write = async (edits: ReadonlyArray<TickEdit>, tick: number): Promise<void> => {
    const groups = byRegion(edits, regionOf);
    for (const [region, list] of groups) {
      const why = refusal(region);
      if (why) {
        const e = list[0];
        throw new Error(`edit at (${e.x}, ${e.y}, ${e.z}) of tick ${tick} is in region ${region}, ${why}; nothing of the tick was written`);
      }
    }
    await Promise.all([...groups].map(([region, list]) => append(region, list, tick)));
  };

  return {
    write,
    adopt(region, lastSeq) {
      parseRegionKey(region);
      checkLastSeq(lastSeq);
      regions.set(region, { seq: lastSeq, tail: Promise.resolve() });
    },
    async fence(region, lastSeq, tick) {
      parseRegionKey(region);
      checkLastSeq(lastSeq);
      const seq = await log.appendEdits(region, { tick, edits: [] }, { expectLastSeq: lastSeq });
      regions.set(region, { seq, tail: Promise.resolve() });
      return seq;
    },
    lastSeq: (region) => regions.get(region)?.seq,
    forget(region) {
      regions.delete(region);
    },
  };
}
