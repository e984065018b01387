/**
 * The gateway's open request to a shard (bridge-gateway.ts): the request/reply, and why it failed, naming the shard.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { BridgeWireError, decodeOpenReply, encodeOpen, openSubject, type BridgeTimings, type OpenRequest } from './bridge-wire.ts';

/** What the gateway's link to one shard needs to answer an open, or why it failed. */
export type OpenOutcome = { ok: true } | { ok: false; reason: string; tell: boolean };

/** Why an open request failed, naming the shard. */
function openFailure(err: unknown, shard: string, timeoutMs: number): string {
  const e = err as Error & { isNoResponders?: () => boolean };
  if (e instanceof BridgeWireError) return `shard ${shard} answered the session open with a malformed reply: ${e.message}`;
  if (e.isNoResponders?.()) return `shard ${shard} is not serving sessions (no responders)`;
  if (/timeout/i.test(`${e.name} ${e.message} ${String((e.cause as Error | undefined)?.name)}`)) {
    return `shard ${shard} did not answer the session open within ${timeoutMs} ms`;
  }
  return `session open on shard ${shard} failed: ${e.message}`;
}

/** Requests an open on `shard`; the outcome says whether the shard must be told of a close (it may have accepted). */
export async function requestOpen(nc: NatsConnection, shard: string, request: OpenRequest, t: BridgeTimings): Promise<OpenOutcome> {
  let reply;
  try {
    reply = decodeOpenReply((await nc.request(openSubject(shard), encodeOpen(request), { timeout: t.openTimeoutMs })).data);
  } catch (err) {
    // A late accept must not leave a session on the shard: tell it, in case it answered after the timeout.
    return { ok: false, reason: openFailure(err, shard, t.openTimeoutMs), tell: true };
  }
  if (!reply.ok) return { ok: false, reason: reply.reason, tell: false };
  if (2 * reply.heartbeatMs > t.timeoutMs) {
    return { ok: false, reason: `shard ${shard}'s heartbeat ${reply.heartbeatMs} ms is too slow for this gateway's timeoutMs ${t.timeoutMs}`, tell: true };
  }
  return { ok: true };
}
