/** Request targets of the page server: decoded, or refused with a status; never a throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TARGET_LENGTH, parseRequestTarget } from '../../../engine/platform/node/http/request-target.ts';

describe('parseRequestTarget', () => {
  it('decodes the path and keeps the raw target', () => {
    expect(parseRequestTarget('/a%20b/c.js?x=%E0#f')).toEqual({ ok: true, path: '/a b/c.js', raw: '/a%20b/c.js?x=%E0#f' });
    expect(parseRequestTarget('/%2e%2e%2Fsecret')).toMatchObject({ ok: true, path: '/../secret' });
  });

  it('refuses what cannot be decoded, NUL, other target forms and long URLs', () => {
    for (const bad of ['/%', '/%E0%A4%A', '/%zz', '/%C0%AF', '/%ED%A0%80']) expect(parseRequestTarget(bad)).toMatchObject({ ok: false, status: 400 });
    expect(parseRequestTarget('/a%00b')).toMatchObject({ ok: false, status: 400, reason: 'the path holds a NUL character' });
    for (const form of ['*', 'http://evil.example/', 'evil.example:443', '']) expect(parseRequestTarget(form)).toMatchObject({ ok: false, status: 400 });
    expect(parseRequestTarget(`/${'a'.repeat(MAX_TARGET_LENGTH - 1)}`).ok).toBe(true);
    expect(parseRequestTarget(`/${'a'.repeat(MAX_TARGET_LENGTH)}`)).toMatchObject({ ok: false, status: 414 });
  });

  it('never throws, and a served path starts with / and holds no NUL', () => {
    const target = fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), fc.stringMatching(/^\/[%0-9a-fA-F./\\]{0,40}$/));
    fc.assert(fc.property(target, (t) => {
      const r = parseRequestTarget(t);
      if (r.ok) expect(r.path.startsWith('/') && !r.path.includes('\0')).toBe(true);
      else expect([400, 414]).toContain(r.status);
    }), { numRuns: 300 });
  });
});
