/**
 * Headers every page-server response carries, and refusals: on a response object, or as a whole response written
 * straight to a socket (for refusals that come before Node has a response object: parse errors, deadlines, CONNECT).
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';

/**
 * Cross-origin isolation, so pages can use SharedArrayBuffer. On every response, refusals included: a page that
 * loads a refused resource must not lose its isolation.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * A complete HTTP/1.1 response that closes the connection: status line, {@link ISOLATION_HEADERS} and a plain-text
 * body `status reason`. `reason` is fixed server text, never request content.
 */
export function rawResponse(status: number, reason: string, extra: Readonly<Record<string, string>> = {}): string {
  const body = `${status} ${reason}\n`;
  const headers = {
    ...ISOLATION_HEADERS, ...extra,
    'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close',
  };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${lines}\r\n${body}`;
}

/** Sets the {@link ISOLATION_HEADERS} on a response. */
export function isolate(res: ServerResponse): void {
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
}

/** Ends `res` with a refusal: `status`, a plain-text body `status reason`, and the connection closed. */
export function endRefused(res: ServerResponse, status: number, reason: string, extra: Readonly<Record<string, string>> = {}): void {
  isolate(res);
  res.statusCode = status;
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Connection', 'close');
  res.end(`${status} ${reason}\n`);
}

/** Status and reason for a request Node's HTTP parser refused, by the error's `code`. */
export function parseErrorRefusal(code: string | undefined): [status: number, reason: string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW': return [431, 'request head (URL and headers) too large'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW': return [413, 'chunk extensions too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT': return [408, 'request not received in time'];
    default: return [400, 'malformed request'];
  }
}
