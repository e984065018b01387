/**
 * One HTTP/1.1 exchange over a raw socket (plain or TLS), for requests `fetch` and `http.get` refuse to send:
 * malformed request lines, bad percent-encoding, control characters. Reads until the end of the first response.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** What came back. */
export interface RawAnswer {
  /** Status of the first response; 0 when the connection closed (or timed out) before a response head. */
  status: number;
  /** Its headers, names in lower case. */
  headers: Record<string, string>;
  /** Every byte received (head and body), latin1. */
  raw: string;
  /** The body of the final response, chunked encoding undone, latin1. */
  body: string;
  /** The wait ran out before the response was complete. */
  timedOut: boolean;
}

/** Options of {@link rawExchange}. */
export interface RawExchangeOptions {
  /** Speak TLS (any certificate accepted). */
  tls?: boolean;
  /** The request is HEAD: the response has no body. */
  head?: boolean;
  /** Give up after this long, ms (default 5000). */
  timeoutMs?: number;
}

/** Sends `request` (a string is sent as UTF-8) to 127.0.0.1:port and resolves with the first response. */
export function rawExchange(port: number, request: string | Buffer, o: RawExchangeOptions = {}): Promise<RawAnswer> {
  return new Promise((done) => {
    const bytes = typeof request === 'string' ? Buffer.from(request, 'utf8') : request;
    const socket: Socket = o.tls
      ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => socket.write(bytes))
      : netConnect(port, '127.0.0.1', () => socket.write(bytes));
    let raw = '';
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      done({ ...parseHead(raw), raw, body: bodyOf(raw), timedOut });
    };
    const timer = setTimeout(() => finish(true), o.timeoutMs ?? 5000);
    socket.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
      if (responseComplete(raw, o.head === true)) finish(false);
    });
    socket.on('close', () => finish(false));
    socket.on('error', () => {});
  });
}

/** The bytes from the final response on: interim 1xx responses (100 Continue) are skipped. */
function finalResponse(raw: string): string {
  let rest = raw;
  while (/^HTTP\/1\.[01] 1\d\d /.test(rest) && rest.includes('\r\n\r\n')) rest = rest.slice(rest.indexOf('\r\n\r\n') + 4);
  return rest;
}

function parseHead(all: string): { status: number; headers: Record<string, string> } {
  const raw = finalResponse(all);
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {} };
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers };
}

function bodyOf(all: string): string {
  const raw = finalResponse(all);
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return '';
  const body = raw.slice(end + 4);
  if (!/chunked/i.test(parseHead(raw).headers['transfer-encoding'] ?? '')) return body;
  let out = '';
  for (let at = 0; at < body.length;) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = parseInt(body.slice(at, lineEnd), 16);
    if (lineEnd < 0 || !(size > 0)) break;
    out += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
  return out;
}

function responseComplete(all: string, head: boolean): boolean {
  const raw = finalResponse(all);
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const { status, headers } = parseHead(raw);
  const body = raw.length - end - 4;
  if (head || status === 204 || status === 304) return true;
  if (headers['content-length'] !== undefined) return body >= Number(headers['content-length']);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) return raw.endsWith('\r\n0\r\n\r\n') || raw.slice(end + 4).startsWith('0\r\n\r\n');
  return false;
}
