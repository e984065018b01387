/** Server configuration: the checks that go beyond one value's kind and range. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../../game/server/config.ts';
import { OptionError } from '../../../game/options.ts';

describe('loadServerConfig public-host', () => {
  it('takes host[:port] from a flag or the config file', () => {
    expect(loadServerConfig(['--public-host', 'play.example.org:8443'])['public-host']).toBe('play.example.org:8443');
    expect(loadServerConfig([])['public-host']).toBeUndefined();
  });

  it('refuses a value that is not host[:port], naming the key and the allowed form', () => {
    for (const bad of ['evil.example/path', 'user@evil.example', 'a.example:99999', 'https://a.example']) {
      expect(() => loadServerConfig(['--public-host', bad])).toThrow(OptionError);
      expect(() => loadServerConfig(['--public-host', bad])).toThrow(/^public-host must be host or host:port \(host: a DNS name/);
    }
    const dir = mkdtempSync(join(tmpdir(), 'stratum-config-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(file, JSON.stringify({ 'public-host': 'a.example/x' }));
      expect(() => loadServerConfig(['--config', file])).toThrow(/public-host must be .*; got "a\.example\/x"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
