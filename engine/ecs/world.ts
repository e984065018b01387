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
}

/** Context carried by the bitECS world. */
export interface EcsContext extends EcsMemory {
  /** Component stores by name; each store object is also the bitECS component reference. */
  stores: EngineStores;
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

/** Creates an ECS world with every engine component registered. */
export function createEcsWorld(options: EcsWorldOptions = {}): EcsWorld {
  const capacity = options.capacity ?? 4096;
  if (!Number.isInteger(capacity) || capacity < 16 || capacity > 1_048_576) {
    throw new RangeError(`capacity must be an integer in 16..1048576, got ${capacity}`);
  }
  const bytes = storesByteLength(COMPONENTS, capacity);
  const memory = options.memory ?? (options.shared === false ? new ArrayBuffer(bytes) : new SharedArrayBuffer(bytes));
  const stores = createStores(COMPONENTS, capacity, memory);
  const world = createWorld<EcsContext>({ memory, capacity, stores });
  registerComponents(world, Object.values(stores));
  return world;
}

/** The handles a worker needs ({@link attachStores}); postMessage shares a SharedArrayBuffer without copying. */
export function ecsMemory(world: EcsWorld): EcsMemory {
  return { memory: world.memory, capacity: world.capacity };
}

/** Views the stores of another thread's world (same memory, no copy, no bitECS bookkeeping). */
export function attachStores(handles: EcsMemory): EngineStores {
  return createStores(COMPONENTS, handles.capacity, handles.memory);
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
