/**
 * Typed handlers of user messages, by declaration: the registry behind `server.onMessage(def, ...)` and
 * `client.onMessage(def, ...)`. Handlers of one message run in the order they were added.
 */
import type { PayloadOf, UserMessage } from '../protocol/user-codec.ts';
import type { UserMessageDef } from '../protocol/user-messages.ts';

/** Handlers of user messages; `A` is what a handler gets before the payload (the server's player, or nothing). */
export interface UserHandlers<A extends unknown[]> {
  /**
   * Adds a handler of `def`; returns a function that removes it. Throws RangeError when `def` is not one of the
   * definition's messages (by id and name) or is not sent by `from`'s peer.
   */
  on<M extends UserMessageDef>(def: M, handler: (...args: [...A, PayloadOf<M>]) => void): () => void;
  /** Runs the handlers of `msg` (none: the message is dropped); returns how many ran. */
  dispatch(msg: UserMessage, ...args: A): number;
}

/** Creates the registry for the side that receives from `from` ('client' on the server, 'server' on the client). */
export function createUserHandlers<A extends unknown[]>(defs: readonly UserMessageDef[], from: 'client' | 'server'): UserHandlers<A> {
  const byId = new Map<number, Array<(...args: unknown[]) => void>>();
  return {
    on(def, handler) {
      const known = defs.find((d) => d.id === def.id);
      if (!known || known.name !== def.name) throw new RangeError(`message ${def.name} (id ${def.id}) is not in the protocol definition (its messages: ${defs.map((d) => `${d.name} ${d.id}`).join(', ') || 'none'})`);
      if (known.from !== from && known.from !== 'both') throw new RangeError(`${known.name} is sent by the ${known.from} only; it never arrives from the ${from}`);
      const list = byId.get(def.id) ?? [];
      byId.set(def.id, list);
      const h = handler as (...args: unknown[]) => void;
      list.push(h);
      return () => { const i = list.indexOf(h); if (i >= 0) list.splice(i, 1); };
    },
    dispatch(msg, ...args) {
      const list = byId.get(msg.def.id);
      if (!list) return 0;
      for (const h of [...list]) h(...args, msg.payload);
      return list.length;
    },
  };
}
