/** Handshake rules: equal identities pass; each difference is named with both sides' values. */
import { describe, expect, it } from 'vitest';
import { loadHasher } from '../../../engine/hash.ts';
import { PROTOCOL_SECTIONS } from '../../../engine/protocol/canonical.ts';
import { defineProtocol } from '../../../engine/protocol/define.ts';
import { checkHello, localIdentity, magicHex, makeHello, makeReject, protocolIdentity } from '../../../engine/protocol/handshake.ts';
import { DEFAULT_BLOCKS } from '../../../engine/voxel/blocks.ts';
import { MsgType, PROTOCOL_MAGIC, PROTOCOL_VERSION } from '../../../engine/protocol/messages.ts';

describe('handshake', () => {
  it('accepts its own identity and names every difference', async () => {
    const id = localIdentity(await loadHasher());
    expect(id.magic).toBe(PROTOCOL_MAGIC);
    expect(id.version).toBe(PROTOCOL_VERSION);
    expect(checkHello(makeHello(id, 'a'), id)).toBeUndefined();
    const all = checkHello(makeHello({ ...id, magic: 1, version: PROTOCOL_VERSION + 1, schemaHash: 'aaaaaaaaaaaaaaaa' }, 'b'), id)!;
    expect(all).toContain(`magic: client 0x00000001, server ${magicHex(PROTOCOL_MAGIC)}`);
    expect(all).toContain(`protocol version: client ${PROTOCOL_VERSION + 1}, server ${PROTOCOL_VERSION}`);
    expect(all).toContain(`schema hash: client aaaaaaaaaaaaaaaa, server ${id.schemaHash}`);
    expect(makeReject(all, id)).toEqual({ type: MsgType.Reject, reason: all, magic: id.magic, version: id.version, schemaHash: id.schemaHash });
  });

  it('names the sections of a definition that differ, with both hashes, and only between peers of one version', async () => {
    const h = await loadHasher();
    const server = localIdentity(h);
    const client = protocolIdentity(defineProtocol({ blocks: [...DEFAULT_BLOCKS, { id: 12, name: 'lamp', color: 0 }] }), h);
    expect(client.schemaHash).not.toBe(server.schemaHash);
    expect(PROTOCOL_SECTIONS.filter((s) => client.sections[s] !== server.sections[s])).toEqual(['blocks']);
    expect(checkHello(makeHello(client, 'c'), server)).toBe(
      `incompatible protocol definition: blocks differ (client ${client.sections.blocks}, server ${server.sections.blocks})`);
    // Another version: its sections are not comparable; the overall hash is named with the version.
    expect(checkHello(makeHello({ ...client, version: PROTOCOL_VERSION + 1 }, 'c'), server)).toBe(
      `incompatible protocol (protocol version: client ${PROTOCOL_VERSION + 1}, server ${PROTOCOL_VERSION}; schema hash: client ${client.schemaHash}, server ${server.schemaHash})`);
    // Equal sections with another overall hash: only that can be named.
    expect(checkHello(makeHello({ ...server, schemaHash: 'aaaaaaaaaaaaaaaa' }, 'c'), server)).toBe(
      `incompatible protocol (schema hash: client aaaaaaaaaaaaaaaa, server ${server.schemaHash})`);
    // The same definition declared in another order is the same identity.
    expect(protocolIdentity(defineProtocol({ blocks: [...DEFAULT_BLOCKS].reverse() }), h)).toEqual(server);
    expect(makeHello(server, 'c').sectionHashes).toEqual(PROTOCOL_SECTIONS.map((s) => server.sections[s]));
  });
});
