/** The WebTransport CONNECT checks: a good request passes; method, protocol, path, origin and malformed headers fail. */
import { describe, expect, it } from 'vitest';
import { checkConnectRequest, connectRequestFields, connectResponseFields, responseStatus } from '../../../../../engine/platform/node/quic/connect-request.ts';
import type { ConnectPolicy } from '../../../../../engine/platform/node/quic/connect-request.ts';
import type { Field } from '../../../../../engine/platform/node/quic/qpack.ts';

const policy: ConnectPolicy = { path: '/stratum', origins: ['http://127.0.0.1:8080'] };
const good = connectRequestFields('127.0.0.1:4433', '/stratum?x=1', 'http://127.0.0.1:8080');
const status = (fields: Field[], p: ConnectPolicy = policy) => {
  const r = checkConnectRequest(fields, p);
  return r.ok ? 200 : r.status;
};
const without = (name: string) => good.filter(([n]) => n !== name);

describe('checkConnectRequest', () => {
  it('accepts a WebTransport CONNECT on the path from an allowed origin', () => {
    expect(checkConnectRequest(good, policy)).toEqual({ ok: true, authority: '127.0.0.1:4433', path: '/stratum?x=1', origin: 'http://127.0.0.1:8080' });
    expect(status(without('origin'), { path: '/stratum', origins: '*' })).toBe(200);
  });

  it('refuses other methods, protocols, schemes, paths and origins with the right status', () => {
    expect(status(good.map(([n, v]) => (n === ':method' ? [n, 'GET'] : [n, v])))).toBe(405);
    expect(status(good.map(([n, v]) => (n === ':protocol' ? [n, 'websocket'] : [n, v])))).toBe(400);
    expect(status(without(':scheme'))).toBe(400);
    expect(status(without(':authority'))).toBe(400);
    expect(status(good.map(([n, v]) => (n === ':path' ? [n, '/other'] : [n, v])))).toBe(404);
    expect(status(good.map(([n, v]) => (n === 'origin' ? [n, 'https://evil.example'] : [n, v])))).toBe(403);
    expect(status(without('origin'))).toBe(403);
  });

  it('refuses malformed header lists', () => {
    expect(status([...good, [':path', '/stratum']])).toBe(400); // duplicate pseudo-header
    expect(status([['origin', 'x'], ...without('origin')])).toBe(400); // pseudo-header after a regular one
    expect(status([...good, ['Origin', 'x']])).toBe(400); // uppercase name
    expect(status([...good, [':status', '200']])).toBe(400); // response pseudo-header in a request
  });

  it('builds the draft-02 response Chromium expects and reads statuses', () => {
    expect(connectResponseFields(200)).toContainEqual(['sec-webtransport-http3-draft', 'draft02']);
    expect(responseStatus(connectResponseFields(404))).toBe(404);
    expect(responseStatus([[':status', 'abc']])).toBeUndefined();
  });
});
