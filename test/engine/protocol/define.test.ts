/** defineProtocol: defaults, freezing, and checks that name the section and the entry at fault. */
import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../../../engine/ecs/components.ts';
import { CHANNELS, Channel } from '../../../engine/net/channels.ts';
import { BUILTIN_COMPONENTS, replicated } from '../../../engine/protocol/component-spec.ts';
import {
  BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, DEFAULT_PROTOCOL, ProtocolDefinitionError, defineProtocol, entityKindId, type ProtocolSpec,
} from '../../../engine/protocol/define.ts';
import { USER_CHANNELS } from '../../../engine/protocol/user-messages.ts';
import { DEFAULT_BLOCKS } from '../../../engine/voxel/blocks.ts';
import { Cast, EXAMPLE_SPEC, Mana, UseItem } from '../../support/protocol-examples.ts';
import { Transform } from '../../../engine/ecs/components.ts';

describe('defineProtocol', () => {
  it('takes the engine defaults for sections left out', () => {
    expect(DEFAULT_PROTOCOL.blocks.map((b) => b.name)).toEqual(DEFAULT_BLOCKS.map((b) => b.name));
    expect(DEFAULT_PROTOCOL.components.map((c) => c.component)).toEqual([...COMPONENTS]);
    expect(DEFAULT_PROTOCOL.entities).toEqual(BUILTIN_ENTITY_KINDS);
    expect(DEFAULT_PROTOCOL.messages).toEqual([]);
    expect(DEFAULT_PROTOCOL.actions).toEqual(BUILTIN_ACTIONS);
  });

  it('returns frozen data in id order, with every field encoding resolved', () => {
    const def = defineProtocol({ ...EXAMPLE_SPEC, entities: [...EXAMPLE_SPEC.entities!].reverse() });
    for (const v of [def, def.blocks, def.blocks[12], def.components, def.components[6].replicate.fields, def.entities, def.messages[0].fields, def.canonical]) {
      expect(Object.isFrozen(v)).toBe(true);
    }
    expect(Object.isFrozen(Mana.fields.current)).toBe(true); // defineComponent freezes its schema
    expect(def.entities.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(def.components.at(-1)!.replicate).toEqual({ to: 'owner', priority: 2, fields: { current: { scale: 4 }, max: 'exact' }, hot: [] });
    expect(entityKindId(def, 'Zombie')).toBe(3);
    expect(() => entityKindId(def, 'Ghost')).toThrow(/no entity kind Ghost/);
  });

  it('refuses what cannot be, naming the section and the entry', () => {
    const cases: Array<[Partial<ProtocolSpec>, string, RegExp]> = [
      [{ blocks: [...DEFAULT_BLOCKS, { id: 3, name: 'lamp', color: 0 }] }, 'blocks', /block id 3 given twice \(grass, lamp\)/],
      [{ components: [BUILTIN_COMPONENTS[0]] }, 'components', /missing: Velocity, Player, Health, Inventory, NetworkId/],
      [{ components: [...BUILTIN_COMPONENTS, replicated(17, Mana, { to: 'owner' })] }, 'components', /user component ids are 32..255, got 17/],
      [{ components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'friends' as never })] }, 'components', /Mana \(id 32\): replicate.to/],
      [{ components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'all', fields: { current: { scale: 0 } } })] }, 'components', /Mana \(id 32\).current: scale/],
      [{ components: [...BUILTIN_COMPONENTS, { id: 32, component: Mana, replicate: { to: 'all', fields: { mana: 'skip' } as never } }] }, 'components', /names mana, which is not a field/],
      [{ entities: [{ id: 1, name: 'Player' }, { id: 1, name: 'Self' }] }, 'entities', /entity kind id 1 given twice/],
      [{ entities: [{ id: 0, name: 'Nothing' }] }, 'entities', /id must be an integer in 1..65535/],
      [{ entities: [{ id: 1, name: 'Player' }, { id: 3, name: 'Zombie' }] }, 'entities', /missing: Self = 2\); start from \[...BUILTIN_ENTITY_KINDS/],
      [{ entities: [{ id: 1, name: 'Player' }, { id: 2, name: 'Myself' }] }, 'entities', /missing: Self = 2/],
      [{ messages: [{ ...UseItem, id: 100 }] }, 'messages', /user message ids are 128..65535 \(the engine keeps 1..127\)/],
      [{ messages: [{ ...UseItem, name: 'Hello' }] }, 'messages', /Hello is an engine message/],
      [{ messages: [{ ...UseItem, channel: 'ChunkStream' }] }, 'messages', /ChunkStream channel carries nothing from the client/],
      [{ messages: [{ ...UseItem, from: 'both', channel: 'Input' }] }, 'messages', /Input channel carries nothing from the server/],
      [{ messages: [{ ...UseItem, channel: 'Control' as never }] }, 'messages', /channel must be one of Input, ChunkStream, EntityDelta, Chat/],
      [{ messages: [{ ...UseItem, fields: [['inputs', { inputs: 4 } as never]] }] }, 'messages', /user messages cannot use it/],
      [{ messages: [{ ...UseItem, fields: [['type', 'u8']] }] }, 'messages', /not be 'type'/],
      [{ messages: [{ ...UseItem, fields: [['a', { str: 0 }]] }] }, 'messages', /str must be an integer in 1..65536/],
      [{ messages: [UseItem, { ...UseItem, name: 'Other' }] }, 'messages', /message id 128 given twice/],
      [{ actions: [BUILTIN_ACTIONS[0]] }, 'actions', /missing: inventory = 2/],
      [{ actions: [...BUILTIN_ACTIONS, { id: 5, name: 'cast' }] }, 'actions', /ids 1..15 are the engine's/],
      [{ actions: [...BUILTIN_ACTIONS, { id: 16, name: 'cast' }] }, 'actions', /action cast \(id 16\): apply must be a function/],
      [{ actions: [...BUILTIN_ACTIONS, { ...Cast, writes: [Transform] }] }, 'actions', /writes Transform, the body/],
      [{ actions: [...BUILTIN_ACTIONS, { ...Cast, fields: [['cost', 'u9' as 'u8']] }] }, 'actions', /action cast \(id 16\).cost: unknown field type "u9"/],
      [{ actions: [...BUILTIN_ACTIONS, { id: 16, name: 'block' }] }, 'actions', /action name block given twice|built-in is block with id 1/],
    ];
    for (const [patch, section, message] of cases) {
      let error: unknown;
      try { defineProtocol({ ...EXAMPLE_SPEC, ...patch }); } catch (e) { error = e; }
      expect(error, `${section}: ${message}`).toBeInstanceOf(ProtocolDefinitionError);
      expect((error as ProtocolDefinitionError).section).toBe(section);
      expect((error as Error).message).toMatch(new RegExp(`^protocol definition: ${section}: `));
      expect((error as Error).message).toMatch(message);
    }
  });

  it('names only channels that exist, with the directions they carry', () => {
    for (const [name, sides] of Object.entries(USER_CHANNELS)) {
      const info = CHANNELS[Channel[name as keyof typeof Channel]];
      expect(info, name).toBeDefined();
      const carries = (side: 'client' | 'server') => (side === 'client' ? info.carrier !== 'datagram-s2c' && info.carrier !== 'uni-s2c' : info.carrier !== 'datagram-c2s');
      expect({ client: carries('client'), server: carries('server') }, name).toEqual(sides);
    }
  });
});
