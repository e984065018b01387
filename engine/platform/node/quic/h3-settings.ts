/**
 * The HTTP/3 SETTINGS frame payload (RFC 9114 section 7.2.4): a list of `id varint, value varint` pairs, plus the
 * settings this endpoint sends. Chromium's native WebTransport needs H3 datagrams, extended CONNECT, QPACK without a
 * dynamic table, and a WebTransport setting; it reads the draft-02 one by default, so both drafts' are advertised.
 */
import { H3Code, H3Error } from './h3-error.ts';
import { concatBytes, encodeVarint, readVarint } from './varint.ts';

/** Setting ids used here. Wire values; never renumber. */
export const SettingId = {
  /** QPACK dynamic table capacity (RFC 9204); 0 = no dynamic table. */
  QpackMaxTableCapacity: 0x01,
  /** Largest field section the sender accepts, bytes. */
  MaxFieldSectionSize: 0x06,
  /** QPACK streams that may block (0 with no dynamic table). */
  QpackBlockedStreams: 0x07,
  /** Extended CONNECT (RFC 9220), needed for `:protocol webtransport`. */
  EnableConnectProtocol: 0x08,
  /** HTTP datagrams (RFC 9297). */
  H3Datagram: 0x33,
  /** WebTransport over HTTP/3, draft 02 ("enable"; Chromium's default). */
  EnableWebTransportDraft02: 0x2b603742,
  /** WebTransport over HTTP/3, draft 07 ("max sessions"). */
  WebTransportMaxSessionsDraft07: 0xc671706a,
} as const;

/** Ids of HTTP/2 settings that must not appear in HTTP/3 (RFC 9114 section 7.2.4.1). */
const HTTP2_ONLY = new Set([0x02, 0x03, 0x04, 0x05]);

/** Settings as id -> value. */
export type Settings = Map<number, number>;

/** Largest field section this endpoint accepts, bytes (also advertised). */
export const MAX_FIELD_SECTION_SIZE = 16 * 1024;

/** The settings this endpoint sends, client or server: WebTransport over HTTP/3 with datagrams, no QPACK table. */
export function localSettings(): Settings {
  return new Map([
    [SettingId.QpackMaxTableCapacity, 0],
    [SettingId.QpackBlockedStreams, 0],
    [SettingId.MaxFieldSectionSize, MAX_FIELD_SECTION_SIZE],
    [SettingId.EnableConnectProtocol, 1],
    [SettingId.H3Datagram, 1],
    [SettingId.EnableWebTransportDraft02, 1],
    [SettingId.WebTransportMaxSessionsDraft07, 1],
  ]);
}

/** Encodes a SETTINGS payload. */
export function encodeSettings(settings: Settings): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, value] of settings) parts.push(encodeVarint(id), encodeVarint(value));
  return concatBytes(parts);
}

/** Decodes a SETTINGS payload; H3_SETTINGS_ERROR for a truncated pair, a duplicate id or an HTTP/2-only id. */
export function decodeSettings(payload: Uint8Array): Settings {
  const out: Settings = new Map();
  let pos = 0;
  while (pos < payload.length) {
    const id = readVarint(payload, pos);
    const value = id && readVarint(payload, id.next);
    if (!id || !value) throw new H3Error(H3Code.SettingsError, 'truncated setting');
    if (HTTP2_ONLY.has(id.value)) throw new H3Error(H3Code.SettingsError, `HTTP/2 setting 0x${id.value.toString(16)} in HTTP/3`);
    if (out.has(id.value)) throw new H3Error(H3Code.SettingsError, `duplicate setting 0x${id.value.toString(16)}`);
    out.set(id.value, value.value);
    pos = value.next;
  }
  return out;
}

/** True when `peer` settings allow a WebTransport session (either draft's setting, datagrams, extended CONNECT). */
export function supportsWebTransport(peer: Settings): boolean {
  const wt = (peer.get(SettingId.EnableWebTransportDraft02) ?? 0) > 0 || (peer.get(SettingId.WebTransportMaxSessionsDraft07) ?? 0) > 0;
  return wt && peer.get(SettingId.H3Datagram) === 1;
}
