/**
 * The custom game's protocol definition, imported by its server and its clients alike: the default blocks plus a
 * lamp, the engine's components plus Mana (sent to its owner only), a Zombie entity kind, a UseItem message and a
 * predicted CastLight action.
 */
import {
  BUILTIN_ACTIONS, BUILTIN_COMPONENTS, BUILTIN_ENTITY_KINDS, Block, DEFAULT_BLOCKS, HOTBAR_SLOTS, defineAction, defineComponent,
  defineMessage, defineProtocol, replicated, storeOf, type Kit,
} from 'stratum-voxel';

/** The lamp's block id: one the default blocks leave free (they use 0..11 and 13, the torch). */
export const LAMP = 12;

/** Mana: what CastLight spends and the regeneration system refills. */
export const Mana = defineComponent({
  name: 'Mana',
  doc: 'Magic points of a player.',
  fields: {
    current: { kind: 'f32', doc: 'Current mana, 0..max.' },
    max: { kind: 'f32', doc: 'Most mana, > 0.' },
  },
});

/** Mana one CastLight costs. */
export const USE_COST = 10;

/** Use the lamp in hotbar slot `slot`: predicted by the client, refused without a lamp there or enough mana. */
export const CastLight = defineAction({
  id: 16, name: 'CastLight', fields: [['slot', 'u8']], writes: [Mana],
  apply({ ecs }, eid, { slot }) {
    const lamp = slot < HOTBAR_SLOTS && ecs.stores.Inventory.item[eid * HOTBAR_SLOTS + slot] === LAMP;
    if (!lamp) return { ok: false, reason: 'no-lamp' };
    if (storeOf(ecs, Mana).current[eid] < USE_COST) return { ok: false, reason: 'no-mana' };
    storeOf(ecs, Mana).current[eid] -= USE_COST;
    return { ok: true };
  },
});

/** Client -> server: use the item in hotbar slot `slot` (the server decides what that does). */
export const UseItem = defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u8']] });

/** The definition both sides build from. */
export const CUSTOM_PROTOCOL = defineProtocol({
  blocks: [...DEFAULT_BLOCKS, { id: LAMP, name: 'lamp', color: 0xffd080, light: 15 }],
  components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner', fields: { current: { scale: 4 }, max: { scale: 4 } } })],
  entities: [...BUILTIN_ENTITY_KINDS, { id: 3, name: 'Zombie' }],
  messages: [UseItem],
  actions: [...BUILTIN_ACTIONS, CastLight],
});

/** Every player starts with lamps and planks. */
export const CUSTOM_KIT: Kit = [[0, LAMP, 16], [1, Block.Planks, 64]];
