/**
 * The ECS world: a bitECS 0.4 world whose component stores are typed arrays laid out in one SharedArrayBuffer.
 * The same factory serves the server, the client and workers: a worker passes the owner's `memory` and gets views
 * of the same bytes. Structural changes (adding or removing entities and components) happen only on the owner
 * thread; workers read and write field values.
 */
import { addEntity, createWorld, registerComponents, removeEntity, type World } from 'bitecs';
import { COMPONENTS } from './components.ts';
import { ARRAY_TYPES, type ComponentSchema, type Store } from './schema.ts';

/** The stores of a list of schemas, keyed by component name. */
export type StoresOf<C extends readonly ComponentSchema[]> = { [S in C[number] as S['name']]: Store<S> };

/** The engine's stores: `world.stores.Transform.x[eid]` and so on. */
export type EngineStores = StoresOf<typeof COMPONENTS>;

/** What a worker needs to view a world's stores. */
export interface EcsMemory {
  /** The bytes behind every store. */
  memory: SharedArrayBuffer | ArrayBuffer;
  /** Entity capacity the layout was made for. */
  capacity: number;
  /**
   * The component layout, in memory order: the engine's {@link COMPONENTS} first, then user components (by id).
   * Plain frozen data, so it crosses postMessage; absent means the engine's components alone.
   */
  schemas?: readonly ComponentSchema[];
}

/** Context carried by the bitECS world. */
export interface EcsContext extends EcsMemory {
  /**
   * Component stores by name; each store object is also the bitECS component reference. The engine's are typed
   * here; a user component's store is `storeOf(world, Schema)` (or `stores.Name` with a cast).
   */
  stores: EngineStores;
  /** The layout this world was made with (built-ins first, then user components). */
  schemas: readonly ComponentSchema[];
}

/** A Stratum ECS world. */
export type EcsWorld = World<EcsContext>;

/** Options of {@link createEcsWorld}. */
export interface EcsWorldOptions {
  /** Most entities alive at once, 16..1,048,576 (default 4,096). Entity ids are below this. */
  capacity?: number;
  /** Allocate on a SharedArrayBuffer (default) or, for comparison benchmarks only, a plain ArrayBuffer. */
  shared?: boolean;
  /** Existing memory to view (a worker attaching to the owner's world); must come from the same capacity. */
  memory?: SharedArrayBuffer | ArrayBuffer;
  /**
   * The component layout (default {@link COMPONENTS}): the engine's components first, in their order, then user
   * components, which then live in the same memory. A protocol definition gives it (define.ts `componentLayout`).
   */
  components?: readonly ComponentSchema[];
}

const ALIGN = 8;

/** Bytes needed for the stores of `schemas` at `capacity`. */
export function storesByteLength(schemas: readonly ComponentSchema[], capacity: number): number {
  let offset = 0;
  for (const s of schemas) {
    for (const f of Object.values(s.fields)) {
      offset = Math.ceil(offset / ALIGN) * ALIGN;
      offset += ARRAY_TYPES[f.kind].BYTES_PER_ELEMENT * capacity * (f.length ?? 1);
    }
  }
  return Math.ceil(offset / ALIGN) * ALIGN;
}

/** Lays out the stores of `schemas` over `memory` (which must be at least {@link storesByteLength} bytes). */
export function createStores<const C extends readonly ComponentSchema[]>(
  schemas: C, capacity: number, memory: SharedArrayBuffer | ArrayBuffer,
): StoresOf<C> {
  const need = storesByteLength(schemas, capacity);
  if (memory.byteLength < need) throw new RangeError(`store memory too small: need ${need} bytes, got ${memory.byteLength}`);
  const stores: Record<string, Record<string, ArrayBufferView>> = {};
  let offset = 0;
  for (const s of schemas) {
    const store: Record<string, ArrayBufferView> = {};
    for (const [name, f] of Object.entries(s.fields)) {
      offset = Math.ceil(offset / ALIGN) * ALIGN;
      const Ctor = ARRAY_TYPES[f.kind];
      const n = capacity * (f.length ?? 1);
      // Every constructor takes shared or plain memory; the cast only narrows the union for the compiler.
      store[name] = new Ctor(memory as ArrayBuffer, offset, n);
      offset += Ctor.BYTES_PER_ELEMENT * n;
    }
    stores[s.name] = store;
  }
  return stores as StoresOf<C>;
}

/**
 * Checks a component layout: the engine's {@link COMPONENTS} first and in order (the very same schemas, or for a
 * layout that crossed postMessage, `cloned`, the same names), then user components with unique names. Returns it
 * frozen. Throws RangeError naming the entry at fault.
 */
export function checkLayout(schemas: readonly ComponentSchema[], cloned = false): readonly ComponentSchema[] {
  COMPONENTS.forEach((b, i) => {
    if (cloned ? schemas[i]?.name !== b.name : schemas[i] !== b) throw new RangeError(`components[${i}] must be the engine's ${b.name} (built-ins come first, in COMPONENTS order), got ${schemas[i]?.name ?? 'nothing'}`);
  });
  const names = new Set<string>();
  for (const s of schemas) {
    if (names.has(s.name)) throw new RangeError(`component ${s.name} appears twice in the layout`);
    names.add(s.name);
  }
  return Object.freeze([...schemas]);
}

/** Creates an ECS world with every component of the layout (default: the engine's) registered. */
export function createEcsWorld(options: EcsWorldOptions = {}): EcsWorld {
  const capacity = options.capacity ?? 4096;
  if (!Number.isInteger(capacity) || capacity < 16 || capacity > 1_048_576) {
    throw new RangeError(`capacity must be an integer in 16..1048576, got ${capacity}`);
  }
  const schemas = checkLayout(options.components ?? COMPONENTS);
  const bytes = storesByteLength(schemas, capacity);
  const memory = options.memory ?? (options.shared === false ? new ArrayBuffer(bytes) : new SharedArrayBuffer(bytes));
  const stores = createStores(schemas, capacity, memory) as unknown as EngineStores;
  const world = createWorld<EcsContext>({ memory, capacity, stores, schemas });
  registerComponents(world, Object.values(stores));
  return world;
}

/** The handles a worker needs ({@link attachStores}); postMessage shares a SharedArrayBuffer without copying. */
export function ecsMemory(world: EcsWorld): EcsMemory {
  return { memory: world.memory, capacity: world.capacity, schemas: world.schemas };
}

/**
 * Views the stores of another thread's world (same memory, no copy, no bitECS bookkeeping). The handles' `schemas`
 * give the layout (user components included); read a user component's store with {@link storeIn}.
 */
export function attachStores(handles: EcsMemory): EngineStores {
  return createStores(checkLayout(handles.schemas ?? COMPONENTS, true), handles.capacity, handles.memory) as unknown as EngineStores;
}

/**
 * The store of component `schema` in a table of stores, typed by the schema: `storeIn(stores, Mana).current[eid]`.
 * Throws RangeError when the layout has no component of that name.
 */
export function storeIn<S extends ComponentSchema>(stores: EngineStores, schema: S): Store<S> {
  const store = (stores as unknown as Record<string, Store<S> | undefined>)[schema.name];
  if (!store) throw new RangeError(`component ${schema.name} is not in this world's layout (pass it in components)`);
  return store;
}

/** The store of component `schema` in `world`, typed by the schema: `storeOf(world, Mana).current[eid]`. */
export function storeOf<S extends ComponentSchema>(world: EcsWorld, schema: S): Store<S> {
  return storeIn(world.stores, schema);
}

/** Adds an entity; throws when the world is at capacity (its id would fall outside the stores). */
export function spawnEntity(world: EcsWorld): number {
  const eid = addEntity(world);
  if (eid >= world.capacity) {
    removeEntity(world, eid);
    throw new RangeError(`entity capacity ${world.capacity} reached`);
  }
  return eid;
}
