/**
 * The protocol definition: everything a server and its clients must agree on beyond the engine's wire format, as
 * one frozen piece of data that both import. Sections: blocks (the block registry), components (schemas with
 * replication specs), entities (entity kinds), messages (the engine's plus the game's own) and actions (predicted
 * player actions). Each section has a canonical text and a hash (canonical.ts); the handshake compares them and a
 * refusal names the sections that differ.
 *
 * ```ts
 * export const MY_GAME = defineProtocol({
 *   blocks: [...DEFAULT_BLOCKS, { id: 12, name: 'lamp', color: 0xffd080, light: 15 }],
 *   components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner' })],
 *   entities: [{ id: 1, name: 'Player' }, { id: 2, name: 'Self' }, { id: 3, name: 'Zombie' }],
 *   messages: [defineMessage({ id: 128, name: 'UseItem', from: 'client', channel: 'Chat', fields: [['slot', 'u8']] })],
 * });
 * ```
 */
import type { ComponentSchema } from '../ecs/schema.ts';
import { DEFAULT_BLOCKS, resolveBlocks, type BlockDef, type BlockType } from '../voxel/blocks.ts';
import {
  canonicalActions, canonicalBlocks, canonicalComponents, canonicalMessages, canonicalNamedIds, type NamedId, type PerSection, type ProtocolSection,
} from './canonical.ts';
import { BUILTIN_COMPONENTS, resolveComponents, type ComponentDef, type ProtocolComponent } from './component-spec.ts';
import { canonicalItems, canonicalRecipes, resolveItems, resolveRecipes, type ItemDef, type ItemType, type RecipeDef } from './items.ts';
import type { UserActionDef } from './user-actions.ts';
import { resolveFields, resolveUserMessages, type UserMessageDef } from './user-messages.ts';

/** An entity kind: the `kind` of EntitySpawn. */
export interface EntityKindDef extends NamedId {
  /** Wire id, 1..65535. */
  readonly id: number;
  /** Unique name (letters, digits, `_`). */
  readonly name: string;
}

/** The engine's entity kinds: every player is spawned as one of them. Values are part of the wire format. */
export const PlayerKind = {
  /** Another player. */
  Player: 1,
  /** The receiving client's own player. */
  Self: 2,
} as const;

/** The engine's entity kinds as definition entries; a definition's `entities` starts from them. */
export const BUILTIN_ENTITY_KINDS: readonly EntityKindDef[] = Object.freeze([
  Object.freeze({ id: PlayerKind.Player, name: 'Player' }),
  Object.freeze({ id: PlayerKind.Self, name: 'Self' }),
]);

/**
 * A predicted player action: the client applies it at once, the server confirms or refuses it. The engine's carry
 * their own input parts and have only an id and a name; a game's are {@link UserActionDef}s (user-actions.ts).
 */
export interface ActionDef extends NamedId {
  /** Id: 1..15 the engine's ({@link BUILTIN_ACTIONS}), 16..255 a game's. */
  readonly id: number;
  /** Unique name (letters, digits, `_`). */
  readonly name: string;
  /** A game's action: payload fields in wire order. */
  readonly fields?: UserActionDef['fields'];
  /** A game's action: the components `apply` may change on the acting player. */
  readonly writes?: UserActionDef['writes'];
  /** A game's action: its rules (see {@link UserActionDef.apply}). */
  readonly apply?: UserActionDef['apply'];
}

/** The engine's predicted actions, carried by InputBundle inputs (SPEC.md "InputBundle inputs"). */
export const BUILTIN_ACTIONS: readonly ActionDef[] = Object.freeze([
  /** Break or place a block (input part `block`). */
  Object.freeze({ id: 1, name: 'block' }),
  /** Select or swap hotbar slots (input part `inventory`). */
  Object.freeze({ id: 2, name: 'inventory' }),
]);

/** What {@link defineProtocol} takes; a section left out takes the engine's default. */
export interface ProtocolSpec {
  /** The block set (default {@link DEFAULT_BLOCKS}); id 0 must be air. */
  readonly blocks?: readonly BlockDef[];
  /** Components with replication specs (default {@link BUILTIN_COMPONENTS}); every built-in must be listed. */
  readonly components?: readonly ComponentDef[];
  /** Entity kinds (default {@link BUILTIN_ENTITY_KINDS}); every built-in must be listed. */
  readonly entities?: readonly EntityKindDef[];
  /** The game's own messages (default none); the engine's messages are always part of the definition. */
  readonly messages?: readonly UserMessageDef[];
  /** Predicted actions (default {@link BUILTIN_ACTIONS}); every built-in must be listed. */
  readonly actions?: readonly ActionDef[];
  /** The game's non-block items (default none; every block is an item with its block id): engine/protocol/items.ts. */
  readonly items?: readonly ItemDef[];
  /** Crafting recipes over the 2x2 grid (default none): engine/protocol/items.ts. */
  readonly recipes?: readonly RecipeDef[];
}

/** A checked, frozen protocol definition. Every list is in id order. */
export interface ProtocolDefinition {
  /** The blocks, resolved (make the world's registry with `createBlockRegistry(def.blocks)`). */
  readonly blocks: readonly BlockType[];
  /** The components with their replication resolved. */
  readonly components: readonly ProtocolComponent[];
  /** Entity kinds. */
  readonly entities: readonly EntityKindDef[];
  /** The game's own messages (the engine's are implied: schema.ts SCHEMAS). */
  readonly messages: readonly UserMessageDef[];
  /** Predicted actions. */
  readonly actions: readonly ActionDef[];
  /** Every item, the blocks' first, in id order. */
  readonly items: readonly ItemType[];
  /** Crafting recipes, in id order. */
  readonly recipes: readonly RecipeDef[];
  /** The canonical text of each section, from which its hash is made. */
  readonly canonical: PerSection<string>;
}

/** A definition that cannot be: names the section and what is wrong. */
export class ProtocolDefinitionError extends Error {
  /** Always `'ProtocolDefinitionError'`. */
  override name = 'ProtocolDefinitionError';
  /** The section at fault. */
  readonly section: ProtocolSection;

  /** Creates the error for `section`. */
  constructor(section: ProtocolSection, detail: string) {
    super(`protocol definition: ${section}: ${detail}`);
    this.section = section;
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function resolveNamedIds<T extends NamedId>(what: string, entries: readonly T[], min: number, max: number): readonly T[] {
  const byId = new Map<number, T>();
  const names = new Set<string>();
  for (const e of entries) {
    if (!Number.isInteger(e.id) || e.id < min || e.id > max) throw new RangeError(`${what} ${JSON.stringify(e.name)}: id must be an integer in ${min}..${max}, got ${e.id}`);
    if (typeof e.name !== 'string' || !NAME.test(e.name)) throw new RangeError(`${what} ${JSON.stringify(e.name)} (id ${e.id}): name must match ${NAME}`);
    if (byId.has(e.id)) throw new RangeError(`${what} id ${e.id} given twice (${byId.get(e.id)!.name}, ${e.name})`);
    if (names.has(e.name)) throw new RangeError(`${what} name ${e.name} given twice`);
    byId.set(e.id, Object.freeze({ ...e }));
    names.add(e.name);
  }
  return Object.freeze([...byId.values()].sort((a, b) => a.id - b.id));
}

function resolveActions(actions: readonly ActionDef[], components: readonly ProtocolComponent[]): readonly ActionDef[] {
  const out = resolveNamedIds('action', actions, 1, 255).map((a) => {
    const builtin = BUILTIN_ACTIONS.find((b) => b.id === a.id || b.name === a.name);
    if (a.id < 16 && !builtin) throw new RangeError(`action ${a.name}: ids 1..15 are the engine's; a game's actions take 16..255`);
    if (builtin && (builtin.id !== a.id || builtin.name !== a.name)) throw new RangeError(`action ${a.name} (id ${a.id}): the built-in is ${builtin.name} with id ${builtin.id}`);
    return builtin ? a : resolveUserAction(a, components);
  });
  return resolveBuiltins('action', Object.freeze(out), BUILTIN_ACTIONS, 'BUILTIN_ACTIONS');
}

/** Checks a game's action: fields, `writes` (components of the definition sent to the owner) and `apply`. */
function resolveUserAction(a: ActionDef, components: readonly ProtocolComponent[]): ActionDef {
  const what = `action ${a.name} (id ${a.id})`;
  if (typeof a.apply !== 'function') throw new RangeError(`${what}: apply must be a function (declare it with defineAction)`);
  if (!Array.isArray(a.writes)) throw new RangeError(`${what}: writes must list the components apply may change`);
  for (const w of a.writes) {
    const c = components.find((x) => x.component === w || x.component.name === w?.name);
    if (['Transform', 'Velocity', 'Player'].includes(w?.name)) throw new RangeError(`${what}: writes ${w.name}, the body the client's predictor owns; a game action may not change it`);
    if (!c || c.replicate.to === 'none') {
      throw new RangeError(`${what}: writes ${w?.name}, which must be a component of the definition replicated to 'owner' or 'all'${c ? ` (it is to 'none')` : ''}`);
    }
  }
  return Object.freeze({ id: a.id, name: a.name, fields: resolveFields(what, a.fields), writes: Object.freeze([...a.writes]), apply: a.apply });
}

/** Checks that every built-in of a section is listed with its own id and name; returns `out`. */
function resolveBuiltins<T extends NamedId>(what: string, out: readonly T[], builtins: readonly NamedId[], listName: string): readonly T[] {
  const wrong = builtins.filter((b) => !out.some((e) => e.id === b.id && e.name === b.name));
  if (wrong.length) throw new RangeError(`every built-in ${what} must be declared with its id (missing: ${wrong.map((b) => `${b.name} = ${b.id}`).join(', ')}); start from [...${listName}, ...]`);
  return out;
}

/** Runs one section's checks, turning its RangeError into a {@link ProtocolDefinitionError} naming the section. */
function section<T>(name: ProtocolSection, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new ProtocolDefinitionError(name, e.message);
    throw e;
  }
}

/**
 * Checks a protocol definition and returns it resolved and frozen, with each section's canonical text. Throws
 * {@link ProtocolDefinitionError} naming the section and the entry at fault.
 */
export function defineProtocol(spec: ProtocolSpec = {}): ProtocolDefinition {
  const blocks = section('blocks', () => resolveBlocks(spec.blocks ?? DEFAULT_BLOCKS));
  const components = section('components', () => resolveComponents(spec.components ?? BUILTIN_COMPONENTS));
  const entities = section('entities', () => resolveBuiltins('entity kind', resolveNamedIds('entity kind', spec.entities ?? BUILTIN_ENTITY_KINDS, 1, 65535), BUILTIN_ENTITY_KINDS, 'BUILTIN_ENTITY_KINDS'));
  const messages = section('messages', () => resolveUserMessages(spec.messages ?? []));
  const actions = section('actions', () => resolveActions(spec.actions ?? BUILTIN_ACTIONS, components));
  const items = section('items', () => resolveItems(spec.items ?? [], blocks));
  const recipes = section('recipes', () => resolveRecipes(spec.recipes ?? [], items));
  const canonical: PerSection<string> = Object.freeze({
    blocks: canonicalBlocks(blocks),
    components: canonicalComponents(components),
    entities: canonicalNamedIds(entities),
    messages: canonicalMessages(messages),
    actions: canonicalActions(actions),
    items: canonicalItems(items),
    recipes: canonicalRecipes(recipes),
  });
  return Object.freeze({ blocks, components, entities, messages, actions, items, recipes, canonical });
}

/** The engine's default definition: default blocks, built-in components, entity kinds and actions, no user messages. */
export const DEFAULT_PROTOCOL: ProtocolDefinition = defineProtocol();

/**
 * The ECS layout of a definition: its component schemas in id order, so the engine's built-ins (ids 1..6) come first
 * and user components follow by id. Pass it as `components` to createGameWorld / createEcsWorld.
 */
export function componentLayout(def: ProtocolDefinition): readonly ComponentSchema[] {
  return def.components.map((c) => c.component);
}

/** The item with id `id` (a block's or a declared item), or undefined. */
export function itemOf(def: ProtocolDefinition, id: number): ItemType | undefined {
  return def.items.find((i) => i.id === id);
}

/** The id of entity kind `name`; throws RangeError when the definition has no such kind. */
export function entityKindId(def: ProtocolDefinition, name: string): number {
  const k = def.entities.find((e) => e.name === name);
  if (!k) throw new RangeError(`the protocol definition has no entity kind ${name}`);
  return k.id;
}
