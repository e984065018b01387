/**
 * Fail-over of a bridged session at the gateway (bridge-gateway.ts re-opens the session, as in a move): the latest
 * checkpoint a shard left, the gateway owner's hook that names the shard now holding the checkpoint's region, and
 * the report of how a re-attach went. Asking the hook never throws: a rejection, `undefined` or a bad shard id
 * becomes a reason naming the region, which closes the client.
 */
import { checkBridgeId } from './bridge-wire.ts';

/** The latest fail-over checkpoint a shard left for one session (`TransportSession.checkpoint`). */
export interface BridgeCheckpoint {
  /** The region key whose next owner resumes the session. */
  region: string;
  /** The opaque state the next owner receives as `resume`. */
  state: Uint8Array;
}

/**
 * Names the shard that now holds `region` after `deadShard` was lost (it may wait for the region's lease to expire
 * and be taken), or resolves `undefined` to give up (the client is then closed).
 */
export type BridgeReattachHook = (region: string, deadShard: string) => Promise<string | undefined>;

/** How one re-attach of a session went (see `BridgeSessionOptions.onReattach`). */
export interface BridgeReattachInfo {
  /** The shard that was lost. */
  from: string;
  /** The shard the session was re-opened on; empty when the hook gave up or failed. */
  to: string;
  /** Milliseconds from detecting the loss to the new shard's answer (or to the hook giving up). */
  ms: number;
  /** True when the new shard accepted the session; false otherwise (the client is then closed). */
  ok: boolean;
}

/** The hook's answer: the shard to re-open on, or why not. */
export type ReattachTarget = { ok: true; shard: string } | { ok: false; reason: string };

/** Asks `hook` which shard now holds `region`; resolves (never rejects) to that shard or to a reason naming the region. */
export async function askReattach(hook: BridgeReattachHook, region: string, deadShard: string): Promise<ReattachTarget> {
  let target: string | undefined;
  try {
    target = await hook(region, deadShard);
  } catch (err) {
    return { ok: false, reason: `finding the new owner of region ${region} failed: ${(err as Error).message}` };
  }
  if (target === undefined) return { ok: false, reason: `no shard took over region ${region}` };
  try {
    return { ok: true, shard: checkBridgeId('reattach shard', target) };
  } catch (err) {
    return { ok: false, reason: `the re-attach hook named a bad shard for region ${region}: ${(err as Error).message}` };
  }
}
