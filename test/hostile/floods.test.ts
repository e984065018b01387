/**
 * Floods from players that joined properly, over real WebTransport in real time, each against a fresh server with an
 * honest observer playing: frames of Pings, of chat, of wrong-token admin requests; oversized datagrams of Pings;
 * thousands of InputBundles for ticks long past and far ahead. Each case passes when the server survives, the
 * observer misses no tick beyond the bounds of hostile-rig.ts, and memory stays within them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlockActionKind, type PlayerInput } from '../../engine/input.ts';
import { Channel } from '../../engine/net/channels.ts';
import { MAX_BAD_TOKENS } from '../../engine/net/server.ts';
import { DEFAULT_SESSION_LIMITS, type MessageKind } from '../../engine/net/session-limits.ts';
import { encodeFrame } from '../../engine/protocol/framing.ts';
import { MsgType, type Message } from '../../engine/protocol/messages.ts';
import { MAX_QUEUED_INPUTS } from '../../engine/server/input-queue.ts';
import { expectSurvived, startHostileRig, type HostileRig } from '../support/hostile-rig.ts';
import { joinRawSession, type RawSession } from '../support/raw-session.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** `n` Pings of 12 bytes each (u32 nonce and time), as the attacker sent them: 87,380 fill a 1 MiB frame. */
const pings = (n: number): Message[] => Array.from({ length: n }, (_, i) => ({ type: MsgType.Ping, nonce: 0xffff_ffff - i, sentMs: 0x7fff_0000 }));
const count = (msgs: Message[], type: number) => msgs.filter((m) => m.type === type).length;

/** Waits for the server to close `raw`, at most `ms`; then closes it from this side if it is still open. */
async function closedWithin(raw: RawSession, ms: number): Promise<void> {
  await Promise.race([raw.whenClosed, sleep(ms)]);
  raw.close('attacker done');
}

/**
 * Most messages of `kind` the budget lets through in a session's life: the bucket's burst plus what it refills while
 * the session lives (the server reads the clock per message, so a long burst earns a few more).
 */
function allowance(kind: MessageKind, raw: RawSession): number {
  const r = DEFAULT_SESSION_LIMITS.messages[kind];
  return Math.floor(r.burst + (r.perSecond * (raw.closedAt - raw.openedAt)) / 1000);
}

/** An InputBundle of 8 inputs ending at `clientTick`, each with a block action (a late one earns a BlockResult). */
function bundle(seq: number, clientTick: number, actions: 'every' | 'newest' = 'every'): Message {
  const inputs: PlayerInput[] = [];
  for (let t = clientTick - 7; t <= clientTick; t++) {
    const block = actions === 'every' || t === clientTick ? { kind: BlockActionKind.Break, x: t % 16, y: 1, z: 0, face: 3 } : undefined;
    inputs.push({ tick: t, buttons: 1, yaw: t % 1024, pitch: 0, ...(block ? { block } : {}) });
  }
  return { type: MsgType.InputBundle, clientTick, seq, ackTick: 0, inputs };
}

/** The frames as one byte string (one write on the stream). */
function concat(frames: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) { out.set(f, at); at += f.length; }
  return out;
}

let rig: HostileRig;
beforeEach(async () => { rig = await startHostileRig(); });
afterEach(async () => { await rig?.close(); });

describe('floods from a joined player', () => {
  // Each frame is refused from its length prefix (inbound frames are at most 256 KiB), before it is buffered whole or
  // decoded: no Pong at all. (Before the frame cap it was decoded whole, 87,380 messages, and answered up to the budget.)
  it('5 control frames of 87,380 Pings each, reconnecting after each close: none answered', async () => {
    const frame = encodeFrame(pings(87_380));
    expect(frame.length).toBe(4 + 87_380 * 12); // a whole frame's 1 MiB
    const attackers: RawSession[] = [];
    const f = await rig.measure('ping frames', async () => {
      for (let i = 0; i < 5; i++) {
        const a = await joinRawSession(rig.connect, rig.identity, `pinger${i}`);
        attackers.push(a);
        a.control.write(frame);
        await closedWithin(a, 3000);
      }
    });
    for (const a of attackers) {
      expect(count(a.messages(Channel.Control), MsgType.Pong)).toBe(0);
      expect(a.closed).toMatch(/^frame-too-large: declared 1048560 > max 262144/);
    }
    await expectSurvived(rig, f);
  });

  // One frame of them is refused whole (more than 64 messages); one frame per line, all in one write, meets the chat budget.
  it('3,971 chat lines in one write: the observer gets at most the chat budget of them', async () => {
    const frame = concat(Array.from({ length: 3971 }, (_, i) => encodeFrame([{ type: MsgType.ClientChat, text: `spam ${i}` }])));
    let a: RawSession | undefined;
    const f = await rig.measure('chat frame', async () => {
      a = await joinRawSession(rig.connect, rig.identity, 'chatter');
      a.open(Channel.Chat).write(frame);
      await closedWithin(a, 3000);
    });
    expect(rig.observer.chat.filter((c) => c.from === 'chatter').length).toBeLessThanOrEqual(allowance('chat', a!));
    expect(a!.closed).toMatch(/^flood: more chat messages than allowed/);
    await expectSurvived(rig, f);
  });

  it('5,000 wrong-token admin requests in one write: a few answers and log lines, then the session is closed', async () => {
    const frame = concat(Array.from({ length: 5000 }, (_, i) => encodeFrame([{ type: MsgType.DiagnosticsRequest, id: i, token: 'guess', command: 'kick', args: ['1'] }])));
    let a: RawSession | undefined;
    const f = await rig.measure('admin requests', async () => {
      a = await joinRawSession(rig.connect, rig.identity, 'guesser');
      a.open(Channel.Diagnostics).write(frame);
      await closedWithin(a, 3000);
    });
    expect(count(a!.messages(Channel.Diagnostics), MsgType.DiagnosticsResponse)).toBeLessThanOrEqual(MAX_BAD_TOKENS);
    expect(a!.closed).toMatch(/more than 3 bad admin tokens/);
    const provoked = f.logLines.filter((l) => l.includes('guesser'));
    // One refusal per bad token up to the limit and one for the token that closes the session...
    expect(provoked.filter((l) => l.includes('diagnostics')).length).toBeLessThanOrEqual(MAX_BAD_TOKENS + 1);
    // ...besides the attacker's connect, join, close and leave lines.
    expect(provoked.length).toBeLessThanOrEqual(MAX_BAD_TOKENS + 1 + 4);
    await expectSurvived(rig, f);
  });

  it('20 datagrams of ~16 KB of Pings: none answered', async () => {
    const datagram = encodeFrame(pings(1333));
    expect(datagram.length).toBe(16_000);
    let a: RawSession | undefined;
    const f = await rig.measure('ping datagrams', async () => {
      a = await joinRawSession(rig.connect, rig.identity, 'datagrammer');
      for (let i = 0; i < 20; i++) a.session.sendDatagram(datagram);
      await closedWithin(a, 3000);
    });
    // PlayerState and ServerState datagrams come to every player; Pongs must not.
    expect(count(a!.datagramMessages(), MsgType.Pong)).toBe(0);
    expect(a!.closed).toMatch(/^flood: a \d+-byte datagram exceeds the limit of 1200 bytes/);
    await expectSurvived(rig, f);
  });

  it('an input flood: 3,000 bundles for ticks long past and far ahead, then a player doing the same within its budget', async () => {
    let flooder: RawSession | undefined, sly: RawSession | undefined;
    let slyQueue = 0;
    const counters0 = { ...rig.server.counters };
    const f = await rig.measure('input flood', async () => {
      flooder = await joinRawSession(rig.connect, rig.identity, 'flooder');
      const now = rig.server.world.tick;
      // Past ticks (late: each bundle's newest one earns a BlockResult), far ahead (too far) and at the end of the u32 range.
      const ticks = [10, now - 1, now + 1_000, 2 ** 32 - 1];
      for (let i = 0; i < 3000; i++) flooder.session.sendDatagram(encodeFrame([bundle(i + 1, ticks[i % ticks.length])]));
      await closedWithin(flooder, 3000);
      // Within the budgets (40 bundles a second for 2 s, one block action per bundle: at most 2 refusals a tick, as an
      // honest client at most makes), the same ticks and a queue kept full: the player stays.
      sly = await joinRawSession(rig.connect, rig.identity, 'sly');
      for (let i = 0; i < 80; i++) {
        const t = rig.server.world.tick;
        const mix = [10, t - 1, t + 1_000, 2 ** 32 - 1, t + 40];
        sly.session.sendDatagram(encodeFrame([bundle(i + 1, mix[i % mix.length], 'newest')]));
        const p = [...rig.server.players.values()].find((q) => q.session.name === 'sly');
        slyQueue = Math.max(slyQueue, p?.queue.pending.size ?? 0);
        await sleep(25);
      }
    });
    expect(flooder!.closed).toMatch(/^flood: more input messages than allowed/);
    expect(count(flooder!.messages(Channel.ChunkStream), MsgType.BlockResult)).toBeLessThanOrEqual(allowance('input', flooder!));
    expect(sly!.closed).toBeUndefined();
    expect(slyQueue).toBeLessThanOrEqual(MAX_QUEUED_INPUTS);
    expect(rig.server.counters.inputsTooFar).toBeGreaterThan(counters0.inputsTooFar);
    expect(rig.server.counters.inputsLate).toBeGreaterThan(counters0.inputsLate);
    sly!.close('done');
    await expectSurvived(rig, f);
  });
});
