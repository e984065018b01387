/** A user's protocol definition used by the protocol tests: the engine's defaults plus one of everything. */
import { defineComponent } from '../../engine/ecs/schema.ts';
import { storeOf } from '../../engine/ecs/world.ts';
import { BUILTIN_COMPONENTS, replicated } from '../../engine/protocol/component-spec.ts';
import { BUILTIN_ACTIONS, type ProtocolSpec } from '../../engine/protocol/define.ts';
import { defineMessage } from '../../engine/protocol/user-messages.ts';
import { defineAction } from '../../engine/protocol/user-actions.ts';
import { DEFAULT_BLOCKS } from '../../engine/voxel/blocks.ts';

/** A user component. */
export const Mana = defineComponent({
  name: 'Mana',
  doc: 'Magic points.',
  fields: {
    current: { kind: 'f32', doc: 'Current mana, 0..max.' },
    max: { kind: 'u16', doc: 'Most mana.' },
  },
});

/** A user message. */
export const UseItem = defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u8'], ['target', 'u32']] });

/** A user action: spends `cost` Mana (refused when there is not enough). */
export const Cast = defineAction({
  id: 16, name: 'cast', fields: [['cost', 'u8']], writes: [Mana],
  apply(world, eid, { cost }) {
    const mana = storeOf(world.ecs, Mana);
    if (mana.current[eid] < cost) return { ok: false, reason: 'no-mana' };
    mana.current[eid] -= cost;
    return { ok: true };
  },
});

/** The example spec: a lamp block, Mana to its owner, a zombie kind, UseItem, a cast action. */
export const EXAMPLE_SPEC: ProtocolSpec = {
  blocks: [...DEFAULT_BLOCKS, { id: 12, name: 'lamp', color: 0xffd080, light: 15, hardness: 0.3 }],
  components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner', priority: 2, fields: { current: { scale: 4 } } })],
  entities: [{ id: 1, name: 'Player' }, { id: 2, name: 'Self' }, { id: 3, name: 'Zombie' }],
  messages: [UseItem],
  actions: [...BUILTIN_ACTIONS, Cast],
};
