/** Handshake rules: equal identities pass; each difference is named with both sides' values. */
import { describe, expect, it } from 'vitest';
import { loadHasher } from '../../../engine/hash.ts';
import { checkHello, localIdentity, magicHex, makeHello, makeReject } from '../../../engine/protocol/handshake.ts';
import { MsgType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from '../../../engine/protocol/messages.ts';

describe('handshake', () => {
  it('accepts its own identity and names every difference', async () => {
    const id = localIdentity(await loadHasher());
    expect(id.magic).toBe(PROTOCOL_MAGIC);
    expect(id.version).toBe(PROTOCOL_VERSION);
    expect(checkHello(makeHello(id, 'a'), id)).toBeUndefined();
    const all = checkHello(makeHello({ magic: 1, version: 7, schemaHash: 'aaaaaaaaaaaaaaaa' }, 'b'), id)!;
    expect(all).toContain(`magic: client 0x00000001, server ${magicHex(PROTOCOL_MAGIC)}`);
    expect(all).toContain(`protocol version: client 7, server ${PROTOCOL_VERSION}`);
    expect(all).toContain(`schema hash: client aaaaaaaaaaaaaaaa, server ${id.schemaHash}`);
    expect(makeReject(all, id)).toEqual({ type: MsgType.Reject, reason: all, ...id });
  });
});
