/**
 * The server's budgets and caps against one hostile session at a time, while a good client keeps working: floods of
 * Pings, chat and admin requests in one frame, oversized datagrams, sessions that never say Hello, too many players
 * or sessions from one address, and names made to forge log lines.
 */
import { describe, expect, it } from 'vitest';
import { Channel } from '../../../engine/net/channels.ts';
import { createFrameReader, decodeFrameBody, encodeFrame } from '../../../engine/protocol/framing.ts';
import { MsgType, type Message } from '../../../engine/protocol/messages.ts';
import { DEFAULT_SESSION_LIMITS } from '../../../engine/net/session-limits.ts';
import { bidi, createHarness, rawClient, stillServed, type RawClient } from '../../support/loopback-harness.ts';

/** Messages the server sent on the raw client's control stream. */
function controlMessages(r: RawClient): Message[] {
  const reader = createFrameReader();
  return r.got.flatMap((b) => reader.push(b)).flatMap((body) => decodeFrameBody(body));
}

const pings = (n: number) => Array.from({ length: n }, (_, i) => ({ type: MsgType.Ping, nonce: i, sentMs: 0 }) as const);

describe('per-session budgets', () => {
  it('one frame of 87,380 Pings is refused from its length prefix, unanswered', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const r = rawClient(h);
    r.got.length = 0;
    r.control.write(encodeFrame(pings(87_380)));
    h.step(100);
    expect(controlMessages(r).filter((m) => m.type === MsgType.Pong)).toEqual([]);
    expect(r.closed[0]).toMatch(/^frame-too-large: declared \d+ > max 262144/);
    expect(h.server.sessions.size).toBe(1);
    await stillServed(h, good);
  });

  it('a frame with one message too many is refused before the rest is decoded or answered', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const r = rawClient(h);
    r.got.length = 0;
    r.control.write(encodeFrame(pings(DEFAULT_SESSION_LIMITS.maxMessagesPerFrame + 1)));
    h.step(100);
    expect(controlMessages(r).filter((m) => m.type === MsgType.Pong)).toEqual([]);
    expect(r.closed[0]).toBe(`flood: more than ${DEFAULT_SESSION_LIMITS.maxMessagesPerFrame} messages in one frame`);
    await stillServed(h, good);
  });

  it('Pings within the frame cap but beyond the ping budget get at most the ping burst of Pongs', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const r = rawClient(h);
    r.got.length = 0;
    for (let i = 0; i < 40; i++) r.control.write(encodeFrame(pings(DEFAULT_SESSION_LIMITS.maxMessagesPerFrame)));
    h.step(100);
    const pongs = controlMessages(r).filter((m) => m.type === MsgType.Pong).length;
    expect(pongs).toBe(DEFAULT_SESSION_LIMITS.messages.ping.burst);
    expect(r.closed[0]).toMatch(/^flood: more ping messages than allowed/);
    await stillServed(h, good);
  });

  it('a datagram over 1,200 bytes closes its session before it is decoded', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const r = rawClient(h);
    const big = encodeFrame(pings(1333));
    expect(big.length).toBeGreaterThan(1200);
    r.session.sendDatagram(big);
    h.step(100);
    expect(r.closed[0]).toMatch(/^flood: a \d+-byte datagram exceeds the limit of 1200 bytes/);
    await stillServed(h, good);
  });

  it('3,971 chat lines pass at most the chat burst on, then the session is closed', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const r = rawClient(h);
    const before = h.serverReceived.length;
    const chat = bidi(r.session, Channel.Chat);
    for (let i = 0; i < 3971; i++) chat.write(encodeFrame([{ type: MsgType.ClientChat, text: 'spam' }]));
    h.step(100);
    const passed = h.serverReceived.slice(before).filter(([, , m]) => m.type === MsgType.ClientChat).length;
    expect(passed).toBe(DEFAULT_SESSION_LIMITS.messages.chat.burst);
    expect(r.closed[0]).toMatch(/^flood: more chat messages than allowed/);
    await stillServed(h, good);
  });

  it('5,000 wrong admin tokens: a few answers and log lines, then the session is closed', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const r = rawClient(h);
    const logsBefore = h.serverLogs.length;
    const diag = bidi(r.session, Channel.Diagnostics);
    const answers: Uint8Array[] = [];
    diag.setHandlers({ onData: (b) => answers.push(b), onEnd: () => {} });
    for (let i = 0; i < 5000; i++) diag.write(encodeFrame([{ type: MsgType.DiagnosticsRequest, id: i, token: 'guess', command: 'kick', args: ['1'] }]));
    h.step(100);
    const reader = createFrameReader();
    const responses = answers.flatMap((b) => reader.push(b)).flatMap((body) => decodeFrameBody(body));
    expect(responses.length).toBeLessThanOrEqual(3);
    expect(r.closed[0]).toMatch(/more than 3 bad admin tokens/);
    expect(h.serverLogs.length - logsBefore).toBeLessThanOrEqual(6);
    await stillServed(h, good);
  });
});

describe('caps', () => {
  it('closes a session that pings every 3 s but never says Hello, 10 s after it opened', async () => {
    const h = await createHarness();
    const r = rawClient(h, false);
    for (let t = 0; t < 4; t++) {
      r.control.write(encodeFrame(pings(1)));
      h.step(3000);
    }
    expect(r.closed[0]).toMatch(/no valid Hello within 10000 ms/);
    expect(h.server.open).toBe(0);
  });

  it('refuses a Hello beyond the player limit, naming it', async () => {
    const h = await createHarness({ maxPlayers: 2 });
    rawClient(h, true, 'a', '10.0.0.1');
    rawClient(h, true, 'b', '10.0.0.2');
    const third = rawClient(h, true, 'c', '10.0.0.3');
    h.step(100);
    const reject = controlMessages(third).find((m) => m.type === MsgType.Reject);
    expect(reject && 'reason' in reject && reject.reason).toBe('server full (2 players)');
    expect(h.server.sessions.size).toBe(2);
  });

  it('closes sessions from one address beyond the per-address limit, others still accepted', async () => {
    const h = await createHarness({ maxSessionsPerAddress: 2 });
    const a = rawClient(h, false, 'a', '10.0.0.9');
    rawClient(h, false, 'b', '10.0.0.9');
    const c = rawClient(h, false, 'c', '10.0.0.9');
    h.step(10);
    expect(c.closed[0]).toBe('too many sessions from 10.0.0.9 (limit 2)');
    expect(rawClient(h, false, 'd', '10.0.0.10').closed).toEqual([]);
    a.session.close({ code: 0, reason: 'bye' });
    h.step(10);
    expect(rawClient(h, false, 'e', '10.0.0.9').closed).toEqual([]); // a slot came free
  });
});

describe('names', () => {
  it('refuses a name with a newline or an escape, and nothing of it reaches the log raw', async () => {
    const h = await createHarness();
    const r = rawClient(h, true, 'eve\n[info] admin\u001b[2J');
    h.step(100);
    const reject = controlMessages(r).find((m) => m.type === MsgType.Reject);
    expect(reject && 'reason' in reject && reject.reason).toBe('name holds control or formatting characters');
    expect(h.serverLogs.every((l) => !/[\n\u001b]/.test(l))).toBe(true);
  });

  it('gives a second player of the same name a distinct one', async () => {
    const h = await createHarness();
    rawClient(h, true, 'bob', '10.0.0.1');
    rawClient(h, true, 'Bob', '10.0.0.2');
    h.step(10);
    expect([...h.server.sessions.values()].map((s) => s.name)).toEqual(['bob', 'Bob (2)']);
  });
});
