/** Canonical text and section hashes: independent of list and key order; a change in a section changes only its hash. */
import { describe, expect, it } from 'vitest';
import { defineComponent, type ComponentSchema } from '../../../engine/ecs/schema.ts';
import { loadHasher } from '../../../engine/hash.ts';
import { PROTOCOL_SECTIONS, combineSectionHashes, hashSections, type ProtocolSection } from '../../../engine/protocol/canonical.ts';
import { BUILTIN_COMPONENTS, replicated, type ComponentDef } from '../../../engine/protocol/component-spec.ts';
import { DEFAULT_PROTOCOL, defineProtocol, type ProtocolSpec } from '../../../engine/protocol/define.ts';
import { schemaHash } from '../../../engine/protocol/schema.ts';
import { Cast, EXAMPLE_SPEC, Mana, UseItem } from '../../support/protocol-examples.ts';

/** The same data with every object's keys in reverse order (arrays keep their order). */
function reverseKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reverseKeys) as T;
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reverseKeys((v as Record<string, unknown>)[k]);
  return out as T;
}

/** A component declaration with its schema's fields and every key reversed (a new schema object). */
function reversedComponent(c: ComponentDef): ComponentDef {
  const schema = defineComponent(reverseKeys(c.component as ComponentSchema));
  return { id: c.id, component: schema, replicate: reverseKeys(c.replicate) };
}

describe('protocol definition: canonical text', () => {
  it('does not depend on the order of lists or of object keys', async () => {
    const h = await loadHasher();
    const a = defineProtocol(EXAMPLE_SPEC);
    // Built-in components must be the engine's own schema objects: only the user's schema is rebuilt reversed.
    const components = EXAMPLE_SPEC.components!.map((c) =>
      (c.component === Mana ? reversedComponent(c) : { replicate: reverseKeys(c.replicate), component: c.component, id: c.id }));
    expect(Object.keys(components.find((c) => c.id === 32)!.component.fields)).toEqual(['max', 'current']);
    const b = defineProtocol({
      blocks: [...reverseKeys(EXAMPLE_SPEC.blocks!)].reverse(),
      components: components.reverse(),
      entities: [...reverseKeys(EXAMPLE_SPEC.entities!)].reverse(),
      messages: [...reverseKeys(EXAMPLE_SPEC.messages!)].reverse(),
      actions: [...reverseKeys(EXAMPLE_SPEC.actions!)].reverse(),
    });
    expect(b.canonical).toEqual(a.canonical);
    expect(hashSections(b.canonical, h)).toEqual(hashSections(a.canonical, h));
  });

  it('writes each section in the documented form', () => {
    const c = defineProtocol(EXAMPLE_SPEC).canonical;
    expect(c.blocks.split('\n')).toContain('12 lamp solid=1 opaque=1 see-through=0 targetable=1 breakable=1 liquid=0 light=15 transparent=0 color=ffd080 hardness=0.3');
    expect(c.blocks.split('\n')).toContain('8 water solid=0 opaque=0 see-through=1 targetable=0 breakable=0 liquid=1 light=0 transparent=1 color=3060d0 hardness=1');
    expect(c.components.split('\n')).toContain('1 Transform to=all priority=1 pitch:i16=x0.5,x:f32=x16+hot,y:f32=x16+hot,yaw:u16=x0.25%256,z:f32=x16+hot');
    expect(c.components.split('\n')).toContain('5 Inventory to=owner priority=1 count:u8*9=exact,item:u16*9=exact,selected:u8=exact');
    expect(c.components.split('\n').at(-1)).toBe('32 Mana to=owner priority=2 current:f32=x4,max:u16=exact');
    expect(c.entities).toBe('1 Player\n2 Self\n3 Zombie');
    expect(c.messages.split('\n').at(-1)).toBe('128 UseItem client Chat slot:u8,target:u32');
    expect(c.actions).toBe('1 block\n2 inventory\n16 cast cost:u8 writes=Mana');
  });

  it('gives the engine messages alone the hash the engine schema always had', async () => {
    const h = await loadHasher();
    expect(hashSections(DEFAULT_PROTOCOL.canonical, h).messages).toBe(schemaHash(h));
  });
});

describe('protocol definition: section hashes', () => {
  it('change for every change in a section, and only that section\'s', async () => {
    const h = await loadHasher();
    const base = hashSections(defineProtocol(EXAMPLE_SPEC).canonical, h);
    const mana = (r: Parameters<typeof replicated<typeof Mana>>[2]) => [...BUILTIN_COMPONENTS, replicated(32, Mana, r)];
    const Mana2 = defineComponent({ ...Mana, fields: { ...Mana.fields, max: { kind: 'u32', doc: '' } } });
    const blocks = EXAMPLE_SPEC.blocks!;
    const variants: Array<[ProtocolSection, string, Partial<ProtocolSpec>]> = [
      ['blocks', 'a colour', { blocks: blocks.map((b) => (b.id === 12 ? { ...b, color: 0xffd081 } : b)) }],
      ['blocks', 'light', { blocks: blocks.map((b) => (b.id === 12 ? { ...b, light: 14 } : b)) }],
      ['blocks', 'a flag', { blocks: blocks.map((b) => (b.id === 12 ? { ...b, opaque: false } : b)) }],
      ['blocks', 'a name', { blocks: blocks.map((b) => (b.id === 12 ? { ...b, name: 'lantern' } : b)) }],
      ['blocks', 'one more block', { blocks: [...blocks, { id: 40, name: 'marble', color: 0xffffff }] }],
      ['components', 'the audience', { components: mana({ to: 'all', priority: 2, fields: { current: { scale: 4 } } }) }],
      ['components', 'the priority', { components: mana({ to: 'owner', priority: 3, fields: { current: { scale: 4 } } }) }],
      ['components', 'a quantization', { components: mana({ to: 'owner', priority: 2, fields: { current: { scale: 8 } } }) }],
      ['components', 'a field kind', { components: [...BUILTIN_COMPONENTS, replicated(32, Mana2, { to: 'owner', priority: 2, fields: { current: { scale: 4 } } })] }],
      ['components', 'the id', { components: [...BUILTIN_COMPONENTS, replicated(33, Mana, { to: 'owner', priority: 2, fields: { current: { scale: 4 } } })] }],
      ['entities', 'a name', { entities: [{ id: 1, name: 'Player' }, { id: 2, name: 'Self' }, { id: 3, name: 'Ghoul' }] }],
      ['entities', 'an id', { entities: [{ id: 1, name: 'Player' }, { id: 2, name: 'Self' }, { id: 4, name: 'Zombie' }] }],
      ['messages', 'a field type', { messages: [{ ...UseItem, fields: [['slot', 'u16'], ['target', 'u32']] }] }],
      ['messages', 'the field order', { messages: [{ ...UseItem, fields: [['target', 'u32'], ['slot', 'u8']] }] }],
      ['messages', 'the channel', { messages: [{ ...UseItem, channel: 'Input' }] }],
      ['messages', 'one more message', { messages: [UseItem, { id: 129, name: 'Shout', from: 'server', channel: 'Chat', fields: [['text', { str: 64 }]] }] }],
      ['actions', 'one more action', { actions: [...EXAMPLE_SPEC.actions!, { ...Cast, id: 17, name: 'dodge' }] }],
      ['actions', 'a name', { actions: [...EXAMPLE_SPEC.actions!.slice(0, 2), { ...Cast, name: 'spell' }] }],
      ['actions', 'a field type', { actions: [...EXAMPLE_SPEC.actions!.slice(0, 2), { ...Cast, fields: [['cost', 'u16']] }] }],
      ['actions', 'what it writes', { actions: [...EXAMPLE_SPEC.actions!.slice(0, 2), { ...Cast, writes: [] }] }],
    ];
    const overall = new Set([combineSectionHashes(base, h)]);
    for (const [changed, what, patch] of variants) {
      const hashes = hashSections(defineProtocol({ ...EXAMPLE_SPEC, ...patch }).canonical, h);
      for (const s of PROTOCOL_SECTIONS) {
        if (s === changed) expect(hashes[s], `${what} in ${s}`).not.toBe(base[s]);
        else expect(hashes[s], `${what} in ${changed} left ${s} alone`).toBe(base[s]);
      }
      const all = combineSectionHashes(hashes, h);
      expect(overall.has(all), `${what} in ${changed}: overall hash`).toBe(false);
      overall.add(all);
    }
  });
});
