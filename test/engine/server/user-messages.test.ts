import { describe, expect, it } from 'vitest';
import type { PlayerInput } from '../../../engine/input.ts';
import { MsgType, type MessageRefused } from '../../../engine/protocol/messages.ts';
import { defineMessage } from '../../../engine/protocol/user-messages.ts';
import type { ServerPlayer } from '../../../engine/server/server-player.ts';
import { MANA_PROTOCOL, ManaReport, Wave } from '../../support/mana-game.ts';
import { UseItem } from '../../support/protocol-examples.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

/** Declarations that disagree with the server's, for a client that sends what an honest one cannot. */
const LooseUseItem = defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u16'], ['target', 'u32']] });
const ChatWave = defineMessage({ id: 129, name: 'Wave', from: 'client', channel: 'Chat', fields: [['times', 'u8']] });
const ClientManaReport = defineMessage({ id: 300, name: 'ManaReport', from: 'both', channel: 'Chat', fields: [['current', 'f64'], ['note', { str: 32 }]] });

describe('user messages between a game server and its clients (loopback)', () => {
  it('travel both ways on their declared channels, typed, with the sending player', async () => {
    const st = await createStepper({ protocol: MANA_PROTOCOL });
    const got: Array<[string, number, number]> = [];
    const waves: number[] = [];
    st.server.onMessage(UseItem, (player: ServerPlayer, p) => {
      got.push([player.session.name, p.slot, p.target]);
      st.server.send(player, ManaReport, { current: 42.5, note: `used ${p.slot}` });
    });
    st.server.onMessage(Wave, (_player, p) => waves.push(p.times));
    const a = st.addClient(idle);
    const b = st.addClient(idle);
    const reportsA: Array<{ current: number; note: string }> = [];
    const reportsB: string[] = [];
    a.client.onMessage(ManaReport, (p) => reportsA.push(p));
    b.client.onMessage(ManaReport, (p) => reportsB.push(p.note));
    st.step(10);
    a.client.send(UseItem, { slot: 3, target: 77 });
    a.client.send(Wave, { times: 2 }); // a datagram on the Input channel
    st.step(3);
    expect(got).toEqual([['p1', 3, 77]]);
    expect(waves).toEqual([2]);
    expect(reportsA).toEqual([{ current: 42.5, note: 'used 3' }]);
    expect(reportsB).toEqual([]);
    st.server.broadcast(ManaReport, { current: 1, note: 'all' });
    st.step(2);
    expect(reportsA.map((r) => r.note)).toEqual(['used 3', 'all']);
    expect(reportsB).toEqual(['all']);
  });

  it('refuse a bad payload or a wrong direction at the sender, and a handler for a message that never arrives', async () => {
    const st = await createStepper({ protocol: MANA_PROTOCOL });
    const a = st.addClient(idle);
    st.step(10);
    expect(() => a.client.send(UseItem, { slot: 300, target: 1 })).toThrow(/cannot send UseItem\.slot: expected u8/);
    expect(() => a.client.send(ManaReport, { current: 1, note: '' })).toThrow(/ManaReport is sent by the server only; this is the client/);
    expect(() => st.server.onMessage(ManaReport, () => {})).toThrow(/ManaReport is sent by the server only; it never arrives from the client/);
    const Other = defineMessage({ id: 999, name: 'Other', from: 'client', channel: 'Chat', fields: [] });
    expect(() => st.server.onMessage(Other, () => {})).toThrow(/message Other \(id 999\) is not in the protocol definition/);
  });

  it('a malformed user message, one the client may not send, or one on another channel is refused with a reason and the session stays', async () => {
    const st = await createStepper({ protocol: MANA_PROTOCOL });
    const got: number[] = [];
    st.server.onMessage(UseItem, (_p, m) => got.push(m.slot));
    const raw = st.rawClient('loose', { userMessages: [LooseUseItem, ClientManaReport, ChatWave] });
    st.step(5);
    expect(raw.state).toBe('active');
    raw.sendUser(LooseUseItem, { slot: 300, target: 5 });
    raw.sendUser(ClientManaReport, { current: 3, note: 'forged' });
    raw.sendUser(ChatWave, { times: 1 });
    raw.sendUser(LooseUseItem, { slot: 7, target: 5 }); // a good one still gets through
    st.step(2);
    const refused = raw.received.filter((m): m is MessageRefused => m.type === MsgType.MessageRefused);
    expect(refused).toEqual([
      { type: MsgType.MessageRefused, refusedType: 128, reason: 'bad-payload: UseItem.slot: expected u8' },
      { type: MsgType.MessageRefused, refusedType: 300, reason: 'wrong-channel: ManaReport is sent by the server only' },
      { type: MsgType.MessageRefused, refusedType: 129, reason: 'wrong-channel: Wave travels on input, not chat' },
    ]);
    expect(got).toEqual([7]);
    st.step(20);
    expect(raw.state).toBe('active');
    expect(st.server.players.size).toBe(1);
    expect(st.serverLog.join('\n')).toMatch(/refused UseItem: bad-payload: UseItem\.slot: expected u8/);
  });

  it('a flood of user messages closes the session, naming the budget', async () => {
    const st = await createStepper({ protocol: MANA_PROTOCOL });
    const raw = st.rawClient('flooder', { userMessages: [LooseUseItem] });
    const other = st.addClient(idle);
    st.step(5);
    for (let i = 0; i < 200; i++) raw.sendUser(LooseUseItem, { slot: 300, target: i });
    st.step(3);
    expect(raw.state).toBe('disconnected');
    expect(st.serverLog.join('\n')).toMatch(/player flooder left: flood: more user messages than allowed \(40\/s, burst 80\)/);
    // The honest client is untouched.
    expect(other.client.net.state).toBe('active');
    expect(st.server.players.size).toBe(1);
  });
});
