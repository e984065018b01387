/**
 * Address-validation tokens for QUIC Retry (RFC 9000 section 8.1.2): the server answers a client's first Initial
 * with a Retry carrying a token it can check statelessly, so that a spoofed source address gets one small packet
 * instead of a handshake's worth (amplification). A token binds the client's address and port, the connection id the
 * client first chose (which the server must echo in its transport parameters) and the time it was issued, under an
 * HMAC-SHA256 with a per-process key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a token stays valid, ms. */
export const RETRY_TOKEN_LIFETIME_MS = 10_000;

const VERSION = 1;
const MAC_LEN = 16;
/** version(1) + issued seconds(4) + odcid length(1). */
const HEAD = 6;

/** A secret for minting tokens. */
export interface RetryTokenKey {
  /** HMAC key bytes. */
  readonly secret: Uint8Array;
}

/** A fresh random key. */
export function createRetryTokenKey(): RetryTokenKey {
  return { secret: randomBytes(32) };
}

function mac(key: RetryTokenKey, body: Uint8Array, address: string, port: number): Buffer {
  return createHmac('sha256', key.secret).update(body).update(`${address}|${port}`).digest().subarray(0, MAC_LEN);
}

/** Mints a token for a client at `address:port` whose first Initial had destination id `odcid`. */
export function mintRetryToken(key: RetryTokenKey, address: string, port: number, odcid: Uint8Array, nowMs: number): Uint8Array {
  if (odcid.length > 255) throw new RangeError('connection id too long');
  const body = new Uint8Array(HEAD + odcid.length);
  body[0] = VERSION;
  new DataView(body.buffer).setUint32(1, Math.floor(nowMs / 1000));
  body[5] = odcid.length;
  body.set(odcid, HEAD);
  const out = new Uint8Array(body.length + MAC_LEN);
  out.set(body);
  out.set(mac(key, body, address, port), body.length);
  return out;
}

/** The original destination id in a valid token from `address:port`, or undefined (forged, expired, other address). */
export function validateRetryToken(key: RetryTokenKey, token: Uint8Array, address: string, port: number, nowMs: number): Uint8Array | undefined {
  if (token.length < HEAD + MAC_LEN || token[0] !== VERSION) return undefined;
  const odcidLen = token[5];
  if (token.length !== HEAD + odcidLen + MAC_LEN) return undefined;
  const body = token.subarray(0, HEAD + odcidLen);
  if (!timingSafeEqual(mac(key, body, address, port), token.subarray(body.length))) return undefined;
  const issuedMs = new DataView(token.buffer, token.byteOffset, token.length).getUint32(1) * 1000;
  if (nowMs - issuedMs > RETRY_TOKEN_LIFETIME_MS || issuedMs - nowMs > 1000) return undefined;
  return token.slice(HEAD, HEAD + odcidLen);
}
