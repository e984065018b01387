/** HTTP/3 frames, SETTINGS, capsules and WebTransport stream/datagram tags: round trips and hostile input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameType, encodeFrame, readFrame } from '../../../../../engine/platform/node/quic/h3-frame.ts';
import { SettingId, decodeSettings, encodeSettings, localSettings, supportsWebTransport } from '../../../../../engine/platform/node/quic/h3-settings.ts';
import { CapsuleType, decodeCloseSession, encodeCloseSession, readCapsule } from '../../../../../engine/platform/node/quic/capsule.ts';
import { decodeDatagram, encodeDatagram, encodeStreamHeader } from '../../../../../engine/platform/node/quic/wt-wire.ts';
import { encodeVarint, readVarint } from '../../../../../engine/platform/node/quic/varint.ts';
import { H3Code } from '../../../../../engine/platform/node/quic/h3-error.ts';
import { h3CodeOf } from './h3-codec-support.ts';

describe('HTTP/3 frames', () => {
  it('round-trip, and every truncation asks for more bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.uint8Array({ maxLength: 100 }), (type, payload) => {
      fc.pre(![2, 6, 8, 9].includes(type));
      const bytes = encodeFrame(type, payload);
      const r = readFrame(bytes, 0, 1000)!;
      expect(r.frame.type).toBe(type);
      expect(r.frame.payload).toEqual(payload);
      expect(r.next).toBe(bytes.length);
      for (let cut = 0; cut < bytes.length; cut++) expect(readFrame(bytes.subarray(0, cut), 0, 1000)).toBeUndefined();
    }));
  });

  it('refuses an announced giant frame from its header, and HTTP/2-only types', () => {
    const header = Uint8Array.from([...encodeVarint(FrameType.Headers), ...encodeVarint(2 ** 40)]);
    expect(h3CodeOf(() => readFrame(header, 0, 65536))).toBe(H3Code.ExcessiveLoad);
    expect(h3CodeOf(() => readFrame(encodeFrame(0x06, new Uint8Array(8)), 0, 100))).toBe(H3Code.FrameUnexpected);
  });

  it('reads garbage as frames, "need more" or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      let pos = 0;
      h3CodeOf(() => {
        for (;;) {
          const r = readFrame(bytes, pos, 50);
          if (!r) return;
          expect(r.next).toBeGreaterThan(pos);
          pos = r.next;
        }
      });
    }), { numRuns: 3000 });
  });
});

describe('SETTINGS', () => {
  it('advertises what Chromium needs for WebTransport and round-trips', () => {
    const s = localSettings();
    expect(s.get(SettingId.H3Datagram)).toBe(1);
    expect(s.get(SettingId.EnableConnectProtocol)).toBe(1);
    expect(s.get(SettingId.EnableWebTransportDraft02)).toBe(1);
    expect(s.get(SettingId.WebTransportMaxSessionsDraft07)).toBeGreaterThan(0);
    expect(s.get(SettingId.QpackMaxTableCapacity)).toBe(0);
    expect(decodeSettings(encodeSettings(s))).toEqual(s);
    expect(supportsWebTransport(s)).toBe(true);
    expect(supportsWebTransport(new Map([[SettingId.EnableWebTransportDraft02, 1]]))).toBe(false);
  });

  it('refuses duplicates, HTTP/2 settings and truncation; garbage gives a typed error', () => {
    const pair = (id: number, v: number) => [...encodeVarint(id), ...encodeVarint(v)];
    expect(h3CodeOf(() => decodeSettings(Uint8Array.from([...pair(1, 0), ...pair(1, 0)])))).toBe(H3Code.SettingsError);
    expect(h3CodeOf(() => decodeSettings(Uint8Array.from(pair(4, 100))))).toBe(H3Code.SettingsError);
    expect(h3CodeOf(() => decodeSettings(Uint8Array.of(0x33)))).toBe(H3Code.SettingsError);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
      const code = h3CodeOf(() => decodeSettings(bytes));
      if (code !== undefined) expect(code).toBe(H3Code.SettingsError);
    }), { numRuns: 3000 });
  });
});

describe('capsules', () => {
  it('round-trip CLOSE_WEBTRANSPORT_SESSION, cutting long reasons at a character boundary', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.string({ maxLength: 300 }), (code, reason) => {
      const bytes = encodeCloseSession({ code, reason });
      const r = readCapsule(bytes, 0, 2000)!;
      expect(r.capsule.type).toBe(CapsuleType.CloseWebTransportSession);
      const back = decodeCloseSession(r.capsule.value);
      expect(back.code).toBe(code);
      expect(reason.startsWith(back.reason)).toBe(true);
      expect(new TextEncoder().encode(back.reason).length).toBeLessThanOrEqual(1024);
      if (new TextEncoder().encode(reason).length <= 1024) expect(back.reason).toBe(reason);
    }));
    const long = decodeCloseSession(readCapsule(encodeCloseSession({ code: 1, reason: 'é'.repeat(600) }), 0, 2000)!.capsule.value);
    expect(long.reason).toBe('é'.repeat(512));
  });

  it('refuses short, over-long and non-UTF-8 close values, and giant capsules from the header', () => {
    expect(h3CodeOf(() => decodeCloseSession(Uint8Array.of(0, 0, 1)))).toBe(H3Code.MessageError);
    expect(h3CodeOf(() => decodeCloseSession(new Uint8Array(4 + 1025)))).toBe(H3Code.MessageError);
    expect(h3CodeOf(() => decodeCloseSession(Uint8Array.of(0, 0, 0, 0, 0xff)))).toBe(H3Code.MessageError);
    expect(h3CodeOf(() => readCapsule(Uint8Array.from([...encodeVarint(0x2843), ...encodeVarint(2 ** 30)]), 0, 4096))).toBe(H3Code.ExcessiveLoad);
  });
});

describe('WebTransport stream headers and datagrams', () => {
  it('tags streams with 0x41 / 0x54 and the session id', () => {
    const bidi = encodeStreamHeader('bidi', 8);
    expect(readVarint(bidi, 0)!.value).toBe(0x41);
    expect(readVarint(bidi, readVarint(bidi, 0)!.next)!.value).toBe(8);
    expect(encodeStreamHeader('uni', 0)).toEqual(Uint8Array.of(0x40, 0x54, 0));
  });

  it('round-trips datagrams with the quarter stream id and refuses a datagram without one', () => {
    fc.assert(fc.property(fc.nat(1e9).map((n) => n * 4), fc.uint8Array({ maxLength: 50 }), (sessionId, payload) => {
      expect(decodeDatagram(encodeDatagram(sessionId, payload))).toEqual({ sessionId, payload });
    }));
    expect(encodeDatagram(4, Uint8Array.of(9))).toEqual(Uint8Array.of(1, 9));
    expect(h3CodeOf(() => decodeDatagram(new Uint8Array(0)))).toBe(H3Code.DatagramError);
    expect(h3CodeOf(() => decodeDatagram(Uint8Array.of(0x40)))).toBe(H3Code.DatagramError);
  });
});
