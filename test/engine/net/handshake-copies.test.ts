/**
 * Hello and Welcome travel twice, on Control and in a datagram (SPEC, Handshake step 4): each side acts on the first
 * copy, ignores the other once, and still refuses a further Hello or Welcome; a refusal answers the Control copy.
 */
import { describe, expect, it } from 'vitest';
import { Channel } from '../../../engine/net/channels.ts';
import type { TransportSession } from '../../../engine/net/transport.ts';
import { createFrameReader, decodeDatagram, decodeFrameBody, encodeFrame } from '../../../engine/protocol/framing.ts';
import { makeHello } from '../../../engine/protocol/handshake.ts';
import { MsgType, type Message } from '../../../engine/protocol/messages.ts';
import { createHarness, rawClient, stillServed, type RawClient } from '../../support/loopback-harness.ts';

function controlMessages(r: RawClient): Message[] {
  const reader = createFrameReader();
  return r.got.flatMap((b) => reader.push(b)).flatMap((body) => decodeFrameBody(body));
}

/** A raw client whose Hello goes only as a datagram; records the datagrams it gets. */
function datagramHelloClient(h: Awaited<ReturnType<typeof createHarness>>, name: string, hello = makeHello(h.identity, name)) {
  const r = rawClient(h, false, name);
  const datagrams: Message[] = [];
  r.session.setHandlers({ onDatagram: (b) => datagrams.push(...decodeDatagram(b)), onStream: () => {}, onClose: (i) => r.closed.push(i.reason) });
  r.session.sendDatagram(encodeFrame([hello]));
  h.step(10);
  return { r, datagrams };
}

describe('handshake copies', () => {
  it('the server acts on a Hello that came by datagram, answers Welcome on Control and in a datagram, ignores the stream copy once, and refuses a third Hello', async () => {
    const h = await createHarness();
    const good = h.client();
    h.step(0);
    const { r, datagrams } = datagramHelloClient(h, 'dg');
    expect(r.closed).toEqual([]);
    const welcomes = controlMessages(r).filter((m) => m.type === MsgType.Welcome);
    expect(welcomes).toHaveLength(1);
    expect(datagrams.filter((m) => m.type === MsgType.Welcome)).toEqual(welcomes);
    expect(h.server.open).toBe(2);
    // The Control stream's copy arrives late: ignored, the session stays.
    r.control.write(encodeFrame([makeHello(h.identity, 'dg')]));
    h.step(10);
    expect(r.closed).toEqual([]);
    // A third Hello is a protocol error.
    r.control.write(encodeFrame([makeHello(h.identity, 'dg')]));
    h.step(10);
    expect(h.serverLogs.at(-1)).toMatch(/session \d+ \(dg\) closed: protocol: bad-state: second Hello/);
    await stillServed(h, good);
  });

  it('a second datagram copy is not a copy: only the other channel\'s one is ignored', async () => {
    const h = await createHarness();
    h.step(0);
    const { r } = datagramHelloClient(h, 'twice');
    r.session.sendDatagram(encodeFrame([makeHello(h.identity, 'twice')]));
    h.step(10);
    expect(h.serverLogs.at(-1)).toMatch(/session \d+ \(twice\) closed: protocol: bad-state: second Hello/);
  });

  it('a Hello copy the server would refuse is ignored by datagram; the Reject answers the Control copy', async () => {
    const h = await createHarness();
    h.step(0);
    const bad = { ...makeHello(h.identity, 'old'), version: 1 };
    const { r, datagrams } = datagramHelloClient(h, 'old', bad);
    expect(r.closed).toEqual([]);
    expect(datagrams).toEqual([]);
    expect(controlMessages(r)).toEqual([]);
    r.control.write(encodeFrame([bad]));
    h.step(10);
    const reject = controlMessages(r).find((m) => m.type === MsgType.Reject);
    expect(reject && 'reason' in reject ? reject.reason : '').toMatch(/protocol version: client 1/);
  });

  it('a client takes the Welcome that comes first by datagram, ignores the Control copy, and fails on a third', async () => {
    const h = await createHarness();
    let server: TransportSession | undefined;
    let control: ((m: Message) => void) | undefined;
    await h.stopServer();
    h.network.listen('server', (s) => {
      server = s;
      s.setHandlers({
        onDatagram: () => {},
        onStream: (st) => {
          let header = true;
          st.setHandlers({
            onData: (b) => {
              if (header && b[0] === Channel.Control) control = (m) => st.write(encodeFrame([m])); // the Control stream's header
              header = false;
            },
            onEnd: () => {},
          });
        },
        onClose: () => {},
      });
    });
    const c = h.client({ reconnect: false });
    h.step(10);
    expect(server).toBeDefined();
    const welcome: Message = { type: MsgType.Welcome, version: h.identity.version, schemaHash: h.identity.schemaHash, sessionId: 7, serverTick: 100, tickHz: 20 };
    server!.sendDatagram(encodeFrame([welcome]));
    h.step(10);
    expect(c.client.state).toBe('active');
    expect(c.client.sessionId).toBe(7);
    control!(welcome);
    h.step(10);
    expect(c.client.state).toBe('active');
    expect(c.events.filter(([e]) => e === 'Connected')).toHaveLength(1);
    control!(welcome);
    h.step(10);
    expect(c.client.state).not.toBe('active');
    expect(c.logs.join('\n')).toMatch(/after the handshake/);
  });

  it('a server of an older protocol, which refuses the datagram copy, is reported as a refusal and not retried', async () => {
    const h = await createHarness();
    await h.stopServer();
    let opens = 0;
    h.network.listen('server', (s) => {
      opens++;
      s.setHandlers({
        onDatagram: () => s.close({ code: 1, reason: `protocol: wrong-channel: type ${MsgType.Hello} from client on input` }),
        onStream: (st) => st.setHandlers({ onData: () => {}, onEnd: () => {} }),
        onClose: () => {},
      });
    });
    const c = h.client();
    h.step(10_000);
    expect(opens).toBe(1);
    const gone = c.events.filter(([e]) => e === 'Disconnected').map(([, p]) => p as { kind: string; reason: string });
    expect(gone).toHaveLength(1);
    expect(gone[0].kind).toBe('rejected');
    expect(gone[0].reason).toMatch(/older protocol than version \d+/);
  });

  it('a normal client sends both copies and connects once', async () => {
    const h = await createHarness();
    const c = h.client();
    h.step(50);
    expect(c.client.state).toBe('active');
    expect(c.events.filter(([e]) => e === 'Connected')).toHaveLength(1);
    expect(h.server.sessions.get(c.client.sessionId)?.connection.state).toBe('active');
    expect(h.serverLogs.filter((l) => l.includes('connected'))).toHaveLength(1);
  });
});
