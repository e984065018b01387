/**
 * Holds events that arrive before their handlers are set, then delivers them in order. Used by transport
 * backends, whose peers may send before the receiving side has attached its callbacks.
 */

/** A slot for handlers of type `H`, with a backlog of calls made while it was empty. */
export interface PendingHandlers<H extends object> {
  /** Calls `fn` with the handlers now, or queues the call until {@link PendingHandlers.set}. */
  call(fn: (h: H) => void): void;
  /** Sets the handlers and replays the backlog. */
  set(h: H): void;
  /** The handlers, if set. */
  readonly current: H | undefined;
}

/** Creates an empty {@link PendingHandlers}. */
export function createPendingHandlers<H extends object>(): PendingHandlers<H> {
  let handlers: H | undefined;
  let backlog: Array<(h: H) => void> = [];
  return {
    get current() { return handlers; },
    call(fn) {
      if (handlers) fn(handlers);
      else backlog.push(fn);
    },
    set(h) {
      handlers = h;
      const queued = backlog;
      backlog = [];
      for (const fn of queued) fn(h);
    },
  };
}
