/**
 * Headers every page-server response carries, and the whole-response form for answers written straight to a socket
 * (refusals that come before Node has a response object: parse errors, deadlines, CONNECT).
 */
import { STATUS_CODES } from 'node:http';

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
