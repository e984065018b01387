/** Token buckets and per-session budgets: refill, burst, the reason naming the kind, and bad settings refused. */
import { describe, expect, it } from 'vitest';
import { MsgType } from '../../../engine/protocol/messages.ts';
import {
  DEFAULT_SESSION_LIMITS, checkSessionLimits, createSessionBudget, createTokenBucket, messageKind, withLimits,
} from '../../../engine/net/session-limits.ts';

const ping = { type: MsgType.Ping, nonce: 1, sentMs: 0 } as const;
const chat = { type: MsgType.ClientChat, text: 'hi' } as const;

describe('token bucket', () => {
  it('allows the burst at once, then the rate', () => {
    const b = createTokenBucket({ perSecond: 10, burst: 5 });
    let ok = 0;
    for (let i = 0; i < 20; i++) if (b.take(0)) ok++;
    expect(ok).toBe(5);
    expect(b.take(50)).toBe(false); // half a token back
    expect(b.take(100)).toBe(true); // one token back after 100 ms
    expect(b.take(10_000, 5)).toBe(true); // refilled to the burst, never beyond
    expect(b.take(10_000)).toBe(false);
  });
});

describe('session budget', () => {
  it('counts each kind separately and names the kind and its limit', () => {
    const budget = createSessionBudget(withLimits(DEFAULT_SESSION_LIMITS, { messages: { chat: { perSecond: 1, burst: 2 } } }));
    expect(budget.message(0, chat)).toBeUndefined();
    expect(budget.message(0, chat)).toBeUndefined();
    expect(budget.message(0, chat)).toBe('more chat messages than allowed (1/s, burst 2)');
    expect(budget.message(0, ping)).toBeUndefined(); // pings have their own budget
    expect(budget.message(1000, chat)).toBeUndefined();
  });

  it('bounds the Pongs one frame of Pings can provoke to the ping burst', () => {
    const budget = createSessionBudget(DEFAULT_SESSION_LIMITS);
    let answered = 0;
    for (let i = 0; i < 87_380; i++) { if (budget.message(0, ping)) break; answered++; }
    expect(answered).toBe(DEFAULT_SESSION_LIMITS.messages.ping.burst);
  });

  it('charges bytes before decoding', () => {
    const budget = createSessionBudget(DEFAULT_SESSION_LIMITS);
    expect(budget.bytes(0, DEFAULT_SESSION_LIMITS.bytes.burst)).toBeUndefined();
    expect(budget.bytes(0, 1)).toMatch(/^more bytes than allowed/);
  });

  it('maps messages to kinds', () => {
    expect(messageKind(ping)).toBe('ping');
    expect(messageKind({ type: MsgType.Pong, nonce: 1, sentMs: 0 })).toBe('ping');
    expect(messageKind(chat)).toBe('chat');
    expect(messageKind({ type: MsgType.DiagnosticsRequest, id: 1, token: '', command: '', args: [] })).toBe('diagnostics');
    expect(messageKind({ type: MsgType.InputBundle, clientTick: 0, seq: 0, ackTick: 0, inputs: [] })).toBe('input');
    expect(messageKind({ type: MsgType.ChunkAck, cx: 0, cz: 0 })).toBe('control');
  });

  it('refuses bad settings, naming the field', () => {
    expect(() => checkSessionLimits(withLimits(DEFAULT_SESSION_LIMITS, { messages: { ping: { perSecond: 0, burst: 1 } } }))).toThrow(/messages\.ping/);
    expect(() => checkSessionLimits(withLimits(DEFAULT_SESSION_LIMITS, { bytes: { perSecond: 1, burst: 0.5 } }))).toThrow(/bytes/);
    expect(() => checkSessionLimits(withLimits(DEFAULT_SESSION_LIMITS, { maxDatagram: 10 }))).toThrow(/maxDatagram/);
    expect(() => checkSessionLimits(DEFAULT_SESSION_LIMITS)).not.toThrow();
  });
});
