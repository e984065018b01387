/**
 * The event recorder: subscribes to an {@link EventBus} with `onAny` and writes every event it carries to an event
 * stream, as `{"tick":T,"type":<event name>,...payload}`. The bus may be the simulation's (SimEvents) or one whose
 * event map is {@link StreamEventPayloads}; payloads must be plain JSON data.
 */
import type { EventBus } from '../events.ts';
import type { Tick } from '../tick.ts';
import type { EventStreamWriter, StreamEvent } from './event-stream.ts';
import { WALL_KEY, type WallFields } from './line-fields.ts';

/** Options of {@link recordEvents}. */
export interface EventRecorderOptions {
  /** Only events with these names are recorded (default: all). */
  include?: readonly string[];
  /** The tick for payloads that carry no numeric `tick` field; without it such a payload throws a TypeError. */
  tick?: () => Tick;
  /**
   * Wall-clock readings attached to each line under `wall` (e.g. `() => ({ ms: Date.now() })`). Injected, so the
   * engine itself reads no clock; the diff never compares them.
   */
  wall?: () => WallFields;
}

/**
 * Records the events of `bus` through `writer` until the returned function is called. A payload's `tick` field
 * becomes the line's tick; its other fields become the payload (a `type` or `wall` field in a payload is an error,
 * as those keys belong to the line). Invalid events throw from `emit`, so a recording never silently loses one.
 */
export function recordEvents<M extends object>(
  bus: EventBus<M>, writer: EventStreamWriter, options: EventRecorderOptions = {},
): () => void {
  const include = options.include ? new Set(options.include) : undefined;
  return bus.onAny((name, payload) => {
    const type = String(name);
    if (include && !include.has(type)) return;
    writer.write(toStreamEvent(type, payload, options));
  });
}

/** Turns a bus event into a stream event (see {@link recordEvents}). */
export function toStreamEvent(type: string, payload: unknown, options: EventRecorderOptions = {}): StreamEvent {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError(`recordEvents: payload of ${type} is not an object`);
  }
  const p = payload as Record<string, unknown>;
  let tick: Tick;
  if (typeof p.tick === 'number') tick = p.tick;
  else if (options.tick) tick = options.tick();
  else throw new TypeError(`recordEvents: payload of ${type} has no tick and no tick() option was given`);
  const event: StreamEvent = { tick, type };
  for (const [k, v] of Object.entries(p)) {
    if (k === 'tick') continue;
    if (k === 'type' || k === WALL_KEY) throw new TypeError(`recordEvents: payload of ${type} has a reserved field "${k}"`);
    event[k] = v;
  }
  if (options.wall) event.wall = options.wall();
  return event;
}
