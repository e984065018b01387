/**
 * The extended CONNECT that opens a WebTransport session (RFC 9220, draft-ietf-webtrans-http3 section 3): checks a
 * decoded request against the server's path and allowed origins, and builds the request a client sends and the
 * response a server sends. Pure functions over header fields.
 */
import type { Field } from './qpack.ts';

/** What the server accepts. */
export interface ConnectPolicy {
  /** The session path, e.g. `/stratum` (the query string is ignored). */
  path: string;
  /** Allowed `origin` header values; `'*'` allows any origin and requests without one (Node clients send none). */
  origins: readonly string[] | '*';
}

/** A request that passed the checks. */
export interface AcceptedConnect {
  /** True. */
  ok: true;
  /** The `:authority`. */
  authority: string;
  /** The `:path`, query included. */
  path: string;
  /** The `origin` header, if sent. */
  origin?: string;
}

/** A request that failed: the status to answer and why. */
export interface RefusedConnect {
  /** False. */
  ok: false;
  /** HTTP status for the response. */
  status: number;
  /** Why, for logs and the close reason. */
  reason: string;
}

const PSEUDO_REQUEST = new Set([':method', ':scheme', ':authority', ':path', ':protocol']);

/** Checks a WebTransport CONNECT request (its decoded HEADERS) against `policy`. */
export function checkConnectRequest(fields: readonly Field[], policy: ConnectPolicy): AcceptedConnect | RefusedConnect {
  const pseudo = new Map<string, string>();
  const regular = new Map<string, string>();
  let seenRegular = false;
  for (const [name, value] of fields) {
    if (name !== name.toLowerCase() || name.length === 0) return { ok: false, status: 400, reason: `malformed header name ${JSON.stringify(name)}` };
    if (name.startsWith(':')) {
      if (seenRegular) return { ok: false, status: 400, reason: `pseudo-header ${name} after regular headers` };
      if (!PSEUDO_REQUEST.has(name)) return { ok: false, status: 400, reason: `unknown pseudo-header ${name}` };
      if (pseudo.has(name)) return { ok: false, status: 400, reason: `duplicate ${name}` };
      pseudo.set(name, value);
    } else {
      seenRegular = true;
      if (!regular.has(name)) regular.set(name, value);
    }
  }
  const method = pseudo.get(':method');
  if (method !== 'CONNECT') return { ok: false, status: 405, reason: `method ${method ?? '(none)'} (only CONNECT)` };
  const protocol = pseudo.get(':protocol');
  if (protocol !== 'webtransport') return { ok: false, status: 400, reason: `:protocol ${protocol ?? '(none)'} (only webtransport)` };
  if (pseudo.get(':scheme') !== 'https') return { ok: false, status: 400, reason: `:scheme ${pseudo.get(':scheme') ?? '(none)'}` };
  const authority = pseudo.get(':authority');
  if (!authority) return { ok: false, status: 400, reason: 'no :authority' };
  const path = pseudo.get(':path');
  if (!path || !path.startsWith('/')) return { ok: false, status: 400, reason: `bad :path ${JSON.stringify(path ?? '')}` };
  const bare = path.split('?')[0];
  if (bare !== policy.path) return { ok: false, status: 404, reason: `no WebTransport endpoint at ${bare}` };
  const origin = regular.get('origin');
  if (policy.origins !== '*' && (origin === undefined || !policy.origins.includes(origin))) {
    return { ok: false, status: 403, reason: `origin ${origin ?? '(none)'} is not allowed` };
  }
  return { ok: true, authority, path, ...(origin !== undefined ? { origin } : {}) };
}

/** The request a client sends: extended CONNECT with the draft-02 offer header. */
export function connectRequestFields(authority: string, path: string, origin?: string): Field[] {
  return [
    [':method', 'CONNECT'], [':protocol', 'webtransport'], [':scheme', 'https'], [':authority', authority], [':path', path],
    ['sec-webtransport-http3-draft02', '1'],
    ...(origin ? [['origin', origin] as const] : []),
  ];
}

/** The response a server sends; a 200 names draft 02, which Chromium requires. */
export function connectResponseFields(status: number): Field[] {
  return status === 200 ? [[':status', '200'], ['sec-webtransport-http3-draft', 'draft02']] : [[':status', String(status)]];
}

/** The `:status` of a decoded response, or undefined when it has none or a malformed one. */
export function responseStatus(fields: readonly Field[]): number | undefined {
  const s = fields.find(([n]) => n === ':status')?.[1];
  return s && /^[1-5]\d\d$/.test(s) ? Number(s) : undefined;
}
