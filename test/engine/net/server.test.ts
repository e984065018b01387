/**
 * The server under hostile and mismatched clients: each bad session is closed with a reason while a well-behaved
 * client keeps working; version, magic and schema mismatches are refused naming both sides; diagnostics need the
 * admin token.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Channel } from '../../../engine/net/channels.ts';
import { packr } from '../../../engine/protocol/codec.ts';
import { encodeFrame } from '../../../engine/protocol/framing.ts';
import { makeHello } from '../../../engine/protocol/handshake.ts';
import { MsgType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from '../../../engine/protocol/messages.ts';
import { loadHasher } from '../../../engine/hash.ts';
import { BUILTIN_COMPONENTS, replicated } from '../../../engine/protocol/component-spec.ts';
import { BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, defineProtocol } from '../../../engine/protocol/define.ts';
import { protocolIdentity } from '../../../engine/protocol/handshake.ts';
import { defineAction } from '../../../engine/protocol/user-actions.ts';
import { DEFAULT_BLOCKS } from '../../../engine/voxel/blocks.ts';
import { Mana, UseItem } from '../../support/protocol-examples.ts';
import { bidi, createHarness, rawClient, stillServed } from '../../support/loopback-harness.ts';

const frameOf = (type: number, payload: unknown) => {
  const body = new Uint8Array([type, ...packr.pack(payload)]);
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
};

const ZERO = '0000000000000000';
const ZERO_SECTIONS = { blocks: ZERO, components: ZERO, entities: ZERO, messages: ZERO, actions: ZERO, items: ZERO, recipes: ZERO };

const HOSTILE: Array<[string, string, (r: ReturnType<typeof rawClient>) => void]> = [
  ['random bytes on the control stream', 'bad-', (r) => r.control.write(Uint8Array.of(0, 0, 0, 9, 0xc1, 0xff, 0x00, 0x13, 0x37, 0x99, 0x42, 0xde, 0xad))],
  ['a truncated frame at stream end', 'bad-frame', (r) => { const s = bidi(r.session, Channel.Chat); s.write(encodeFrame([{ type: MsgType.ClientChat, text: 'hi' }]).subarray(0, 6)); s.end(); }],
  ['a truncated datagram', 'bad-frame', (r) => r.session.sendDatagram(encodeFrame([{ type: MsgType.Ping, nonce: 1, sentMs: 0 }]).subarray(0, 7))],
  ['a 4 GB declared length', 'frame-too-large', (r) => r.control.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3))],
  ['an unknown message type', 'unknown-type', (r) => r.control.write(frameOf(99, [1, 2]))],
  ['a wrong-channel message (InputBundle on chat)', 'wrong-channel', (r) => bidi(r.session, Channel.Chat).write(
    encodeFrame([{ type: MsgType.InputBundle, clientTick: 1, seq: 1, ackTick: 0, inputs: [{ tick: 1, buttons: 0, yaw: 0, pitch: 0 }] }]))],
  ['a server-only message from the client', 'wrong-channel', (r) => r.control.write(encodeFrame([{ type: MsgType.ChunkUnload, cx: 0, cz: 0 }]))],
  ['a bad stream header', 'bad-stream', (r) => bidi(r.session, 77)],
  ['a chat message as a datagram', 'wrong-channel', (r) => r.session.sendDatagram(encodeFrame([{ type: MsgType.ClientChat, text: 'x' }]))],
  ['a second Hello', 'bad-state', (r) => r.control.write(encodeFrame([makeHello({ magic: 1, version: 1, schemaHash: ZERO, sections: ZERO_SECTIONS }, 'again')]))],
];

describe('server under hostile input', () => {
  it('closes only the offending session, with a reason, while another client keeps working', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    expect(good.client.state).toBe('active');
    for (const [what, code, attack] of HOSTILE) {
      const r = rawClient(h);
      expect(h.server.sessions.size, what).toBe(2);
      attack(r);
      h.step(100);
      expect(r.closed, what).toHaveLength(1);
      expect(r.closed[0], what).toContain(code);
      expect(h.server.sessions.size, what).toBe(1);
      expect(h.serverLogs.at(-1), what).toMatch(/^warn session \d+ \(raw\) closed: protocol: /);
      // The good client still talks on its streams and datagrams.
      await stillServed(h, good);
    }
    expect(good.events.map((e) => e[0])).toEqual(['Connected']);
  });

  it('survives random bytes on any stream or datagram (property), the good client never noticing', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    await fc.assert(fc.asyncProperty(fc.constantFrom('control', 'chat', 'datagram'), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (where, bytes) => {
      const r = rawClient(h);
      if (where === 'control') r.control.write(bytes);
      else if (where === 'chat') bidi(r.session, Channel.Chat).write(bytes);
      else r.session.sendDatagram(bytes);
      h.step(10);
      // Either refused with a protocol reason, or still waiting for the rest of a frame it declared.
      if (r.closed.length) expect(r.closed[0]).toMatch(/^(frame-too-large|bad-frame|unknown-type|bad-payload|wrong-channel|bad-state|bad-stream)/);
      r.session.close({ code: 0, reason: 'done' });
      h.step(100);
      const rtt = good.client.ping(Channel.Chat);
      h.step(0);
      await expect(rtt).resolves.toBe(0);
      expect(h.server.sessions.size).toBe(1);
    }), { numRuns: 150, seed: 42 });
    expect(good.events.map((e) => e[0])).toEqual(['Connected']);
  });

  it('enforces a configured maximum frame size', async () => {
    const h = await createHarness({ maxFrame: 1024 });
    const c = h.client();
    h.step(0);
    c.client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 1, token: 'x', command: 'status', args: Array(8).fill('a'.repeat(200)) });
    h.step(100);
    expect(c.events.map((e) => e[0])).toEqual(['Connected', 'Disconnected', 'Reconnecting']);
    expect((c.events[1][1] as { reason: string }).reason).toMatch(/^frame-too-large: declared \d+ > max 1024/);
  });

  it('refuses a message before Hello', async () => {
    const h = await createHarness();
    const r = rawClient(h, false);
    r.control.write(encodeFrame([{ type: MsgType.ChunkAck, cx: 0, cz: 0 }]));
    h.step(100);
    expect(r.closed[0]).toContain('bad-state');
    expect(h.server.open).toBe(0);
  });
});

describe('handshake mismatch', () => {
  for (const [field, value, label] of [
    ['version', 99, `protocol version: client 99, server ${PROTOCOL_VERSION}`],
    ['magic', 0x12345678, 'magic: client 0x12345678, server 0x5354524d'],
    ['schemaHash', 'ffffffffffffffff', 'schema hash: client ffffffffffffffff, server '],
  ] as const) {
    it(`refuses another ${field}, naming both sides, logged on both sides`, async () => {
      const h = await createHarness();
      const c = h.client({ identity: { ...h.identity, [field]: value } });
      h.step(1000);
      expect(c.client.state).toBe('disconnected');
      expect(c.events.map((e) => e[0])).toEqual(['Disconnected']);
      const reason = (c.events[0][1] as { reason: string }).reason;
      expect(reason).toContain(label);
      expect(reason).toContain(`server magic 0x5354524d version ${PROTOCOL_VERSION} schema ${h.identity.schemaHash}`);
      expect(c.logs.some((l) => l.startsWith('error refused by server') && l.includes(label))).toBe(true);
      expect(h.serverLogs.some((l) => l.startsWith('warn handshake: refused') && l.includes(label))).toBe(true);
      expect(h.server.open).toBe(0);
      h.step(60_000); // no reconnect after a refusal
      expect(c.events).toHaveLength(1);
    });
  }

  const lamp = { id: 12, name: 'lamp', color: 0xffd080, light: 15 };
  for (const [section, spec] of [
    ['blocks', { blocks: [...DEFAULT_BLOCKS, lamp] }],
    ['components', { components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner' })] }],
    ['entities', { entities: [...BUILTIN_ENTITY_KINDS, { id: 3, name: 'Zombie' }] }],
    ['messages', { messages: [UseItem] }],
    ['actions', { actions: [...BUILTIN_ACTIONS, defineAction({ id: 16, name: 'cast', fields: [], writes: [], apply: () => ({ ok: true }) })] }],
  ] as const) {
    it(`refuses a client whose definition differs in its ${section} alone, naming that section and both hashes`, async () => {
      const h = await createHarness();
      const mine = protocolIdentity(defineProtocol(spec), await loadHasher());
      const c = h.client({ identity: mine });
      h.step(1000);
      expect(c.client.state).toBe('disconnected');
      const label = `incompatible protocol definition: ${section} differ (client ${mine.sections[section]}, server ${h.identity.sections[section]})`;
      expect(mine.sections[section]).not.toBe(h.identity.sections[section]);
      expect((c.events[0][1] as { reason: string }).reason).toContain(`refused by server: ${label} [`);
      expect(h.serverLogs.some((l) => l.startsWith('warn handshake: refused') && l.endsWith(label))).toBe(true);
      expect(h.server.open).toBe(0);
    });
  }

  it('names every section that differs', async () => {
    const h = await createHarness();
    const mine = protocolIdentity(defineProtocol({ blocks: [...DEFAULT_BLOCKS, lamp], messages: [UseItem] }), await loadHasher());
    const c = h.client({ identity: mine });
    h.step(1000);
    const reason = (c.events[0][1] as { reason: string }).reason;
    expect(reason).toMatch(/incompatible protocol definition: blocks differ \(client [0-9a-f]{16}, server [0-9a-f]{16}\); messages differ \(client [0-9a-f]{16}, server [0-9a-f]{16}\) \[/);
  });

  it('refuses a Hello of an earlier version, shaped as that version sent it, naming both versions', async () => {
    const h = await createHarness();
    const r = rawClient(h, false);
    // Protocol version 4's Hello: magic, version, schema hash, name (no section hashes).
    r.control.write(frameOf(MsgType.Hello, [PROTOCOL_MAGIC, 4, 'aaaaaaaaaaaaaaaa', 'old']));
    h.step(100);
    expect(r.closed[0]).toBe(`incompatible protocol (protocol version: client 4, server ${PROTOCOL_VERSION}; schema hash: client aaaaaaaaaaaaaaaa, server ${h.identity.schemaHash})`);
    // One that claims this version must have this version's shape.
    const s = rawClient(h, false);
    s.control.write(frameOf(MsgType.Hello, [PROTOCOL_MAGIC, PROTOCOL_VERSION, 'aaaaaaaaaaaaaaaa', 'new']));
    h.step(100);
    expect(s.closed[0]).toMatch(/^bad-payload: Hello\.\*: expected an array of 5 fields/);
  });
});

describe('diagnostics', () => {
  it('runs commands with the admin token and refuses and logs anything else', async () => {
    const h = await createHarness();
    const c = h.client();
    h.step(0);
    c.client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 1, token: 'secret-token', command: 'status', args: [] });
    c.client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 2, token: 'guess', command: 'kick', args: ['1'] });
    c.client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 3, token: 'secret-token', command: 'nope', args: [] });
    h.step(0);
    const answers = c.received.filter(([ch]) => ch === Channel.Diagnostics).map(([, m]) => m);
    expect(answers).toEqual([
      { type: MsgType.DiagnosticsResponse, id: 1, ok: true, text: 'sessions 1, handshaking 0, tick 0' },
      { type: MsgType.DiagnosticsResponse, id: 2, ok: false, text: 'refused: bad admin token' },
      { type: MsgType.DiagnosticsResponse, id: 3, ok: false, text: "unknown command 'nope'" },
    ]);
    expect(h.serverLogs.filter((l) => l.startsWith('warn diagnostics: refused'))).toHaveLength(1);
    expect(c.client.state).toBe('active');
  });
});
