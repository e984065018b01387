/**
 * The custom game's protocol definition, imported by its server and its clients alike: the default blocks plus a
 * lamp, the engine's components plus Mana (sent to its owner only), a Zombie entity kind, and a UseItem message.
 */
import {
  BUILTIN_COMPONENTS, BUILTIN_ENTITY_KINDS, Block, DEFAULT_BLOCKS, defineComponent, defineMessage, defineProtocol, replicated, type Kit,
} from '../../engine/index.ts';

/** The lamp's block id: the first after the default blocks. */
export const LAMP = 12;

/** Mana: what UseItem spends and the regeneration system refills. */
export const Mana = defineComponent({
  name: 'Mana',
  doc: 'Magic points of a player.',
  fields: {
    current: { kind: 'f32', doc: 'Current mana, 0..max.' },
    max: { kind: 'f32', doc: 'Most mana, > 0.' },
  },
});

/** Client -> server: use the item in hotbar slot `slot`. */
export const UseItem = defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u8']] });

/** The definition both sides build from. */
export const CUSTOM_PROTOCOL = defineProtocol({
  blocks: [...DEFAULT_BLOCKS, { id: LAMP, name: 'lamp', color: 0xffd080, light: 15 }],
  components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner', fields: { current: { scale: 4 }, max: { scale: 4 } } })],
  entities: [...BUILTIN_ENTITY_KINDS, { id: 3, name: 'Zombie' }],
  messages: [UseItem],
});

/** Every player starts with lamps and planks. */
export const CUSTOM_KIT: Kit = [[0, LAMP, 16], [1, Block.Planks, 64]];
