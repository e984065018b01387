/**
 * The game's protocol definition at work: server and clients build their worlds from it, the server decides the
 * starting kit and tells each client, and a client built from another definition is refused at handshake.
 */
import { describe, expect, it } from 'vitest';
import { HOTBAR_SLOTS } from '../../engine/ecs/components.ts';
import { BlockActionKind, type PlayerInput } from '../../engine/input.ts';
import { BUILTIN_ACTIONS, defineProtocol } from '../../engine/protocol/define.ts';
import { MsgType } from '../../engine/protocol/messages.ts';
import { Block, DEFAULT_BLOCKS } from '../../engine/voxel/blocks.ts';
import { getBlock } from '../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../engine/client/game-client.ts';
import { GAME_ACTIONS, GAME_BLOCKS, GAME_COMPONENTS, GAME_ENTITIES, GAME_PROTOCOL, GAME_SPEC } from '../../game/protocol.ts';
import { createStepper } from '../support/stepper.ts';
import { SKY_COMPONENT, SkyState } from '../../game/sky/sky.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const LAMP = 12;

/** The game's definition with one more block. */
const WITH_LAMP = defineProtocol({
  ...GAME_SPEC,
  blocks: [...GAME_BLOCKS, { id: LAMP, name: 'lamp', color: 0xffd080, light: 15, hardness: 0.3 }],
});

/** Places one block two cells east of the player, once it has been predicting for a while. */
function placeOnce() {
  let at = -1;
  return (c: GameClient): Omit<PlayerInput, 'tick'> => {
    const b = c.predictor?.body;
    if (!b || c.tick <= 40) return idle();
    if (at < 0) at = c.tick;
    return c.tick === at ? { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + 2, y: 6, z: Math.floor(b.z), face: 3 } } : idle();
  };
}

/** The hotbar of the client's own player: [item, count] per slot. */
const hotbarOf = (c: GameClient) => Array.from({ length: HOTBAR_SLOTS }, (_, i) => {
  const inv = c.world.ecs.stores.Inventory;
  return [inv.item[c.localEid * HOTBAR_SLOTS + i], inv.count[c.localEid * HOTBAR_SLOTS + i]];
});

describe('the game protocol', () => {
  it('is the engine defaults plus the sky, the mobs and the inventory: kinds, components, drops, messages and actions', () => {
    expect(GAME_PROTOCOL.entities).toEqual([
      { id: 1, name: 'Player' }, { id: 2, name: 'Self' }, { id: 10, name: 'Sheep' }, { id: 11, name: 'Pig' }, { id: 19, name: 'ItemDrop' },
    ]);
    expect(GAME_PROTOCOL.canonical.blocks).toBe(defineProtocol({ blocks: [...DEFAULT_BLOCKS, ...GAME_BLOCKS.slice(DEFAULT_BLOCKS.length)] }).canonical.blocks);
    expect(GAME_PROTOCOL.blocks.map((b) => b.id).filter((id) => id >= 14)).toEqual([14, 15]);
    expect(GAME_PROTOCOL.components.map((c) => c.id).filter((id) => id >= 40)).toEqual([40, 50, 51, 52, 60]);
    expect(GAME_PROTOCOL.messages.map((m) => m.id)).toEqual([130]);
    expect(GAME_PROTOCOL.actions.map((a) => a.id)).toEqual([...BUILTIN_ACTIONS.map((a) => a.id), 20, 30, 31]);
  });

  it('a block type the definition adds is predicted as that block, from the kit the server chose, and the server agrees', async () => {
    const st = await createStepper({ protocol: WITH_LAMP, kit: [[0, LAMP, 5], [1, Block.Stone, 64]] });
    const a = st.addClient(placeOnce(), { latencyMs: 50 });
    const b = st.addClient(idle, { latencyMs: 50 });
    let edit: { x: number; y: number; z: number; block: number } | undefined;
    for (let i = 0; i < 120 && !edit; i++) { st.step(1); edit = [...a.client.pending.values()][0]; }
    expect(edit?.block).toBe(LAMP); // not Planks: the kit came from the server
    const { x, y, z } = edit!;
    expect(getBlock(a.client.world.voxels, x, y, z)).toBe(LAMP);
    expect(a.client.world.voxels.blocks.defs[LAMP].light).toBe(15);
    st.step(10);
    expect(a.client.stats).toMatchObject({ confirmed: 1, refused: 0 });
    expect(getBlock(st.server.world.voxels, x, y, z)).toBe(LAMP);
    expect(getBlock(b.client.world.voxels, x, y, z)).toBe(LAMP);
    expect(hotbarOf(a.client).slice(0, 3)).toEqual([[LAMP, 4], [Block.Stone, 64], [0, 0]]);
    expect(hotbarOf(b.client).slice(0, 3)).toEqual([[LAMP, 5], [Block.Stone, 64], [0, 0]]);
  });

  it('tells each client its starting kit once, when its player spawns', async () => {
    const st = await createStepper({ kit: [[3, Block.Glass, 7]] });
    const raw = st.rawClient();
    st.step(5);
    const states = raw.received.filter((m) => m.type === MsgType.InventoryState);
    expect(states).toEqual([{ type: MsgType.InventoryState, tick: expect.any(Number), selected: 0, items: [0, 0, 0, Block.Glass, 0, 0, 0, 0, 0], counts: [0, 0, 0, 7, 0, 0, 0, 0, 0] }]);
    const a = st.addClient(idle);
    st.step(40);
    expect(a.client.localEid).toBeGreaterThan(0);
    expect(hotbarOf(a.client)[3]).toEqual([Block.Glass, 7]);
  });

  it('refuses a client whose definition differs in one block, naming the blocks section and both hashes', async () => {
    const st = await createStepper();
    const a = st.addClient(idle, undefined, undefined, undefined, WITH_LAMP);
    st.step(20);
    const disconnects = a.events.filter(([n]) => n === 'Disconnected').map(([, p]) => (p as { reason: string }).reason);
    expect(disconnects).toHaveLength(1);
    const mine = st.identity.sections.blocks;
    expect(disconnects[0]).toMatch(new RegExp(`^refused by server: incompatible protocol definition: blocks differ \\(client [0-9a-f]{16}, server ${mine}\\) \\[`));
    expect(st.serverLog.some((l) => l.includes('handshake: refused') && l.includes('blocks differ'))).toBe(true);
    expect(st.server.players.size).toBe(0);
    st.step(200); // a refused client does not come back
    expect(a.events.filter(([n]) => n === 'Disconnected')).toHaveLength(1);
  });
});
