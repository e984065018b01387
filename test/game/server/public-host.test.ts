/** The public host of the page: strictly host[:port]. */
import { describe, expect, it } from 'vitest';
import { parsePublicHost, publicAuthority } from '../../../engine/platform/node/http/public-host.ts';

describe('parsePublicHost', () => {
  it('accepts DNS names, IPv4 and IPv6 addresses, with or without a port', () => {
    expect(parsePublicHost('Play.Example.org')).toEqual({ host: 'play.example.org' });
    expect(parsePublicHost('play.example.org:8443')).toEqual({ host: 'play.example.org', port: 8443 });
    expect(parsePublicHost('192.168.1.20:8080')).toEqual({ host: '192.168.1.20', port: 8080 });
    expect(parsePublicHost('localhost')).toEqual({ host: 'localhost' });
    expect(parsePublicHost('[2001:db8::1]:443')).toEqual({ host: '[2001:db8::1]', port: 443 });
    expect(parsePublicHost('2001:db8::1')).toEqual({ host: '[2001:db8::1]' });
  });

  it('refuses anything that could carry a path, user info, a second host or a bad port', () => {
    const bad = [
      '', ' ', 'a b', 'evil.example/x', 'evil.example?x', 'evil.example#x', 'user@evil.example', 'a.example@evil.example',
      'evil.example\\x', 'evil.example:0', 'evil.example:65536', 'evil.example:', 'evil.example:8a', ':8080',
      '[2001:db8::1', '[evil.example]', '[::1]:', '999.1.1.1', '1.2.3', '-a.example', 'a-.example', 'a..example',
      'a_b.example', 'https://evil.example', 'a.example:80:80', 'ex\u0430mple.com', 'a\r\nb', `${'a'.repeat(64)}.example`,
    ];
    for (const value of bad) expect(parsePublicHost(value), JSON.stringify(value)).toBeUndefined();
  });
});

describe('publicAuthority', () => {
  it('uses the given port, else the default one', () => {
    expect(publicAuthority({ host: 'a.example' }, 8080)).toBe('a.example:8080');
    expect(publicAuthority({ host: '[::1]', port: 443 }, 8080)).toBe('[::1]:443');
  });
});
