/**
 * The request target of a page request, checked and decoded: what the page server may look up. Anything a client can
 * send is either decoded or refused with a status and a reason; this never throws.
 */

/** Longest request target served, in characters; longer ones are refused with 414. */
export const MAX_TARGET_LENGTH = 2048;

/** A request target that can be served. */
export interface PageTarget {
  /** Served. */
  readonly ok: true;
  /** The path, percent-decoded; starts with `/`. */
  readonly path: string;
  /** The raw target (path and query), as sent: for redirects. */
  readonly raw: string;
}

/** A request target that is refused. */
export interface RefusedTarget {
  /** Refused. */
  readonly ok: false;
  /** 400 (malformed) or 414 (too long). */
  readonly status: 400 | 414;
  /** Why, for the response body and the log. Fixed text: never echoes the request. */
  readonly reason: string;
}

/** Checks and decodes a request target (`req.url`): only the origin form (`/path?query`) is served. */
export function parseRequestTarget(target: string): PageTarget | RefusedTarget {
  if (target.length > MAX_TARGET_LENGTH) return refuse(414, `URL longer than ${MAX_TARGET_LENGTH} characters`);
  if (!target.startsWith('/')) return refuse(400, 'the request target must be a path starting with /');
  const end = target.search(/[?#]/);
  let path: string;
  try {
    path = decodeURIComponent(end < 0 ? target : target.slice(0, end));
  } catch {
    return refuse(400, 'the path is not valid percent-encoded UTF-8');
  }
  if (path.includes('\0')) return refuse(400, 'the path holds a NUL character');
  return { ok: true, path, raw: target };
}

function refuse(status: 400 | 414, reason: string): RefusedTarget {
  return { ok: false, status, reason };
}
