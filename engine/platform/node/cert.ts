/**
 * Self-signed certificates for WebTransport hash pinning (`serverCertificateHashes`): ECDSA P-256, SHA-256
 * signature, validity of at most 14 days, subjectAltName for 127.0.0.1 and localhost. Node's crypto can sign but not
 * build certificates, so the X.509 structure is written here with a minimal DER encoder.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

/** A generated certificate. */
export interface SelfSignedCert {
  /** Certificate in PEM form. */
  certPem: string;
  /** PKCS#8 private key in PEM form. */
  keyPem: string;
  /** SHA-256 of the certificate's DER bytes (what clients pin). */
  sha256: Uint8Array;
  /** The same hash as lowercase hex. */
  sha256Hex: string;
  /** Start of validity. */
  notBefore: Date;
  /** End of validity. */
  notAfter: Date;
}

/** Options of {@link createSelfSignedCert}. */
export interface CertOptions {
  /** Validity in days, 1..14 (default 13; browsers refuse pinned certificates valid for more than 14 days). */
  days?: number;
  /** Common name (default "stratum"). */
  commonName?: string;
  /** Extra DNS names besides "localhost". */
  dnsNames?: string[];
  /** Extra IPv4 addresses besides 127.0.0.1. */
  ipv4?: string[];
}

function der(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  let head: number[];
  if (n < 0x80) head = [tag, n];
  else if (n < 0x100) head = [tag, 0x81, n];
  else if (n < 0x10000) head = [tag, 0x82, n >> 8, n & 0xff];
  else head = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

const seq = (...parts: Uint8Array[]) => der(0x30, cat(...parts));

function oid(dotted: string): Uint8Array {
  const ns = dotted.split('.').map(Number);
  const bytes = [40 * ns[0] + ns[1]];
  for (const n of ns.slice(2)) {
    const groups: number[] = [];
    let v = n;
    do {
      groups.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i] |= 0x80;
    bytes.push(...groups);
  }
  return der(0x06, Uint8Array.from(bytes));
}

function utcTime(d: Date): Uint8Array {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return der(0x17, new TextEncoder().encode(s));
}

function name(cn: string): Uint8Array {
  return seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, new TextEncoder().encode(cn)))));
}

function pem(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** Creates a fresh self-signed ECDSA P-256 certificate for a WebTransport server. */
export function createSelfSignedCert(options: CertOptions = {}): SelfSignedCert {
  const days = options.days ?? 13;
  if (!(days >= 1 && days <= 14)) throw new RangeError(`certificate days must be in 1..14, got ${days}`);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  // Start a minute in the past to tolerate small clock differences; the whole span stays within `days`.
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const serial = new Uint8Array(16);
  crypto.getRandomValues(serial);
  serial[0] &= 0x7f; // positive INTEGER
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const enc = new TextEncoder();
  const altNames = [
    ...['localhost', ...(options.dnsNames ?? [])].map((n) => der(0x82, enc.encode(n))),
    ...['127.0.0.1', ...(options.ipv4 ?? [])].map((ip) => der(0x87, Uint8Array.from(ip.split('.').map(Number)))),
  ];
  const extensions = der(0xa3, seq(
    seq(oid('2.5.29.17'), der(0x04, seq(...altNames))),
    seq(oid('2.5.29.19'), der(0x04, seq())),
  ));
  const cn = options.commonName ?? 'stratum';
  const tbs = seq(
    der(0xa0, der(0x02, Uint8Array.of(2))), // version v3
    der(0x02, serial),
    ecdsaSha256,
    name(cn),
    seq(utcTime(notBefore), utcTime(notAfter)),
    name(cn),
    spki,
    extensions,
  );
  const signature = new Uint8Array(sign('sha256', tbs, privateKey));
  const cert = seq(tbs, ecdsaSha256, der(0x03, cat(Uint8Array.of(0), signature)));
  const sha256 = new Uint8Array(createHash('sha256').update(cert).digest());
  return {
    certPem: pem('CERTIFICATE', cert),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    sha256,
    sha256Hex: Buffer.from(sha256).toString('hex'),
    notBefore,
    notAfter,
  };
}
