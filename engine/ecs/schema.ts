/**
 * Component schemas: each component is declared once as plain data (field names, typed-array kinds, doc comments);
 * the world factory turns the schemas into structure-of-arrays stores on shared memory.
 */

/** Typed-array kinds a field can have. */
export type FieldKind = 'f32' | 'f64' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32';

/** One field of a component. */
export interface FieldSchema {
  /** Element type. */
  readonly kind: FieldKind;
  /** What the field means, its unit and range. */
  readonly doc: string;
  /** Elements per entity (default 1); e.g. 9 for a hotbar. Entity `eid`'s elements start at `eid * length`. */
  readonly length?: number;
}

/** A component declaration. */
export interface ComponentSchema<F extends Record<string, FieldSchema> = Record<string, FieldSchema>, N extends string = string> {
  /** Unique name, also the key in the world's component table. */
  readonly name: N;
  /** What the component means. */
  readonly doc: string;
  /** Fields in declaration order (the memory layout follows this order). */
  readonly fields: F;
}

/** The typed array for a field kind. */
export type ArrayFor<K extends FieldKind> =
  K extends 'f32' ? Float32Array : K extends 'f64' ? Float64Array : K extends 'i8' ? Int8Array :
  K extends 'u8' ? Uint8Array : K extends 'i16' ? Int16Array : K extends 'u16' ? Uint16Array :
  K extends 'i32' ? Int32Array : Uint32Array;

/** The SoA store of a component: one typed array per field. */
export type Store<S extends ComponentSchema> = { [K in keyof S['fields']]: ArrayFor<S['fields'][K]['kind']> };

/** Typed-array constructors by kind. */
export const ARRAY_TYPES = {
  f32: Float32Array, f64: Float64Array, i8: Int8Array, u8: Uint8Array,
  i16: Int16Array, u16: Uint16Array, i32: Int32Array, u32: Uint32Array,
} as const;

/** Declares a component: checks it and returns it frozen (fields too), keeping the literal types. */
export function defineComponent<const F extends Record<string, FieldSchema>, const N extends string>(
  schema: ComponentSchema<F, N>,
): ComponentSchema<F, N> {
  for (const [name, f] of Object.entries(schema.fields)) {
    if (!(f.kind in ARRAY_TYPES)) throw new TypeError(`${schema.name}.${name}: unknown field kind ${f.kind}`);
    if (f.length !== undefined && !(Number.isInteger(f.length) && f.length >= 1)) {
      throw new RangeError(`${schema.name}.${name}: length must be an integer >= 1`);
    }
    Object.freeze(f);
  }
  Object.freeze(schema.fields);
  return Object.freeze(schema);
}
