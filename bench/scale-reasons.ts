/**
 * Close reasons of `stratum-voxel bench scale`, grouped for counting: the bots process keys each bot's disconnect by its
 * kind and reason, the bench parses the server's session-close log lines the same way, and both are reported as
 * `{reason: count}`. Numbers in a reason (ms, byte counts, session ids) become `N`, so that "nothing received for
 * 10234 ms" and "... 10871 ms" count as one reason.
 */

/** The key a close is counted under: `kind: reason`, numbers replaced by N, at most 160 characters. */
export function reasonKey(kind: string, reason: string): string {
  const r = reason.replace(/\d+(\.\d+)?/g, 'N').replace(/\s+/g, ' ').trim() || '(no reason)';
  return `${kind}: ${r}`.slice(0, 160);
}

/** Counts keys; the result lists the most frequent first (ties by key), as JSON keeps insertion order. */
export function countReasons(keys: Iterable<string>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  const sorted = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted);
}

/** One session close as the server logs it (engine/net/server.ts: `session ID (NAME) closed: KIND: REASON`). */
export interface ServerClose {
  /** Session id. */
  id: number;
  /** Player name ('' when it closed before its Hello). */
  name: string;
  /** Close kind (local, remote, timeout, protocol, error). */
  kind: string;
  /** The reason as logged. */
  reason: string;
}

const SERVER_CLOSE = /session (\d+)(?: \(([^)]*)\))? closed: (\w+): (.*)$/;

/** Parses one server log line; undefined when it is not a session close. */
export function parseServerClose(line: string): ServerClose | undefined {
  const m = SERVER_CLOSE.exec(line);
  if (!m) return undefined;
  return { id: Number(m[1]), name: m[2] ?? '', kind: m[3], reason: m[4] };
}

/** A reasons record as one table cell: `count× reason; ...`, or `-` when empty. */
export function formatReasons(r: Record<string, number>): string {
  const parts = Object.entries(r).map(([k, n]) => `${n}x ${k}`);
  return parts.length ? parts.join('; ') : '-';
}
