/**
 * The engine's event bus: a typed publish/subscribe hub owned by a world, server or client (never a module
 * singleton). Handlers run synchronously in subscription order.
 */

/** A bus over an event map `{ name: payload }`. */
export interface EventBus<M extends object> {
  /** Subscribes; returns a function that unsubscribes. */
  on<K extends keyof M>(name: K, handler: (payload: M[K]) => void): () => void;
  /** Subscribes to every event, e.g. for logging or recording an event stream. */
  onAny(handler: <K extends keyof M>(name: K, payload: M[K]) => void): () => void;
  /** Delivers `payload` to the handlers of `name`, then to the catch-all handlers. */
  emit<K extends keyof M>(name: K, payload: M[K]): void;
}

/** Creates an empty {@link EventBus}. */
export function createEventBus<M extends object>(): EventBus<M> {
  const handlers = new Map<keyof M, Array<(payload: never) => void>>();
  const any: Array<(name: keyof M, payload: unknown) => void> = [];
  return {
    on(name, handler) {
      const list = handlers.get(name) ?? [];
      list.push(handler as (payload: never) => void);
      handlers.set(name, list);
      return () => {
        const i = list.indexOf(handler as (payload: never) => void);
        if (i >= 0) list.splice(i, 1);
      };
    },
    onAny(handler) {
      const h = handler as (name: keyof M, payload: unknown) => void;
      any.push(h);
      return () => {
        const i = any.indexOf(h);
        if (i >= 0) any.splice(i, 1);
      };
    },
    emit(name, payload) {
      const list = handlers.get(name);
      if (list) for (const h of [...list]) (h as (p: typeof payload) => void)(payload);
      for (const h of [...any]) h(name, payload);
    },
  };
}
