/**
 * Self-signed certificates for WebTransport hash pinning (`serverCertificateHashes`): ECDSA P-256, SHA-256
 * signature, validity of at most 14 days, subjectAltName for 127.0.0.1 and localhost. The X.509 structure is built
 * and DER-encoded with `@peculiar/asn1-x509` (the schema layer of `@peculiar/x509`, whose own certificate generator
 * is asynchronous and needs a global reflect-metadata polyfill) and signed with node:crypto, so creating one stays
 * synchronous.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, BasicConstraints, Certificate, Extension, Extensions, GeneralName, Name,
  RelativeDistinguishedName, SubjectAlternativeName, SubjectPublicKeyInfo, TBSCertificate, Validity, Version,
  id_ce_basicConstraints, id_ce_subjectAltName,
} from '@peculiar/asn1-x509';

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

/** OID of ecdsa-with-SHA256 (RFC 5758). */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** OID of the commonName attribute. */
const COMMON_NAME = '2.5.4.3';

function pem(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

function commonName(cn: string): Name {
  return new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: cn }) })])]);
}

/** Creates a fresh self-signed ECDSA P-256 certificate for a WebTransport server. */
export function createSelfSignedCert(options: CertOptions = {}): SelfSignedCert {
  const days = options.days ?? 13;
  if (!(days >= 1 && days <= 14)) throw new RangeError(`certificate days must be in 1..14, got ${days}`);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Start a minute in the past to tolerate small clock differences; the whole span stays within `days`.
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const serial = randomBytes(16);
  serial[0] &= 0x7f; // a positive INTEGER
  serial[0] |= 0x01; // with no leading zero byte to strip
  const signature = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const name = commonName(options.commonName ?? 'stratum');
  const altNames = new SubjectAlternativeName([
    ...['localhost', ...(options.dnsNames ?? [])].map((dNSName) => new GeneralName({ dNSName })),
    ...['127.0.0.1', ...(options.ipv4 ?? [])].map((iPAddress) => new GeneralName({ iPAddress })),
  ]);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer.slice(serial.byteOffset, serial.byteOffset + serial.length),
    signature,
    issuer: name,
    validity: new Validity({ notBefore, notAfter }),
    subject: name,
    subjectPublicKeyInfo: AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo),
    extensions: new Extensions([
      new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: new OctetString(AsnConvert.serialize(altNames)) }),
      new Extension({ extnID: id_ce_basicConstraints, critical: true, extnValue: new OctetString(AsnConvert.serialize(new BasicConstraints({ cA: false }))) }),
    ]),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signatureValue = new Uint8Array(sign('sha256', tbsDer, privateKey)); // DER-encoded ECDSA signature
  const der = new Uint8Array(AsnConvert.serialize(new Certificate({ tbsCertificate: tbs, signatureAlgorithm: signature, signatureValue: signatureValue.buffer })));
  const sha256 = new Uint8Array(createHash('sha256').update(der).digest());
  return {
    certPem: pem('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    sha256,
    sha256Hex: Buffer.from(sha256).toString('hex'),
    notBefore,
    notAfter,
  };
}
