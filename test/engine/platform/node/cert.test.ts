/** Self-signed certificates: parseable X.509, ECDSA P-256, self-verifying, short validity, SAN, leaf only, hash of the DER. */
import { X509Certificate, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../../../engine/platform/node/cert.ts';

describe('createSelfSignedCert', () => {
  it('makes a valid self-signed P-256 certificate whose hash is the SHA-256 of its DER', () => {
    const c = createSelfSignedCert({ days: 14 });
    const x = new X509Certificate(c.certPem);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x.subjectAltName).toContain('DNS:localhost');
    const span = new Date(x.validTo).getTime() - new Date(x.validFrom).getTime();
    expect(span).toBeLessThanOrEqual(14 * 86_400_000);
    expect(c.sha256Hex).toBe(createHash('sha256').update(x.raw).digest('hex'));
    expect(x.fingerprint256.replaceAll(':', '').toLowerCase()).toBe(c.sha256Hex);
  });

  it('is a leaf (not a CA) for the extra names and addresses asked for, valid from about now', () => {
    const c = createSelfSignedCert({ dnsNames: ['game.example'], ipv4: ['10.1.2.3'], commonName: 'world' });
    const x = new X509Certificate(c.certPem);
    expect(x.ca).toBe(false);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkHost('game.example')).toBe('game.example');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(x.subject).toBe('CN=world');
    expect(Math.abs(new Date(x.validFrom).getTime() - Date.now())).toBeLessThan(120_000);
    expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(13 * 86_400_000);
  });

  it('refuses validities over 14 days and makes a new key each time', () => {
    expect(() => createSelfSignedCert({ days: 15 })).toThrow(RangeError);
    expect(createSelfSignedCert().sha256Hex).not.toBe(createSelfSignedCert().sha256Hex);
  });
});
