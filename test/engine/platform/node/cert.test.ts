/** Self-signed certificates: parseable X.509, ECDSA P-256, self-verifying, short validity, SAN, hash of the DER. */
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

  it('refuses validities over 14 days and makes a new key each time', () => {
    expect(() => createSelfSignedCert({ days: 15 })).toThrow(RangeError);
    expect(createSelfSignedCert().sha256Hex).not.toBe(createSelfSignedCert().sha256Hex);
  });
});
