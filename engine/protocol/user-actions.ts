/**
 * Predicted user actions in the protocol definition's `actions` section: a game's own player actions, like the
 * engine's block actions. The client applies one to its own predicted world at once and sends it in its next input
 * (InputBundle, SPEC.md "InputBundle inputs"); the server runs it in the tick it is for (the `user-actions` system,
 * engine/sim/user-actions-system.ts) and answers it with an ActionResult; on a refusal the client rolls it back.
 *
 * `apply` must be deterministic and change only simulation state, and on the acting player only the components
 * listed in `writes` (the client restores those from the server's OwnState to roll an action back, so each must be
 * replicated to its owner or to all). Fields and `writes` go into the canonical text and hash; `apply` is code.
 *
 * ```ts
 * export const CastLight = defineAction({
 *   id: 16, name: 'CastLight', fields: [['power', 'u8']], writes: [Mana],
 *   apply(world, eid, { power }) { ...; return { ok: true }; },
 * });
 * ```
 */
import type { ComponentSchema } from '../ecs/schema.ts';
import type { GameWorld } from '../sim/game-world.ts';
import type { Tick } from '../tick.ts';
import type { ValueOf } from './user-codec.ts';
import type { UserFieldType } from './user-messages.ts';

/** The ids a game's actions take (1..15 are the engine's). */
export const USER_ACTION_IDS = { min: 16, max: 255 } as const;

/** Payload fields of an action, in wire order. */
export type ActionFields = ReadonlyArray<readonly [string, UserFieldType]>;

/** The payload of an action with fields `F`: one property per field, typed by the field's type. */
export type FieldsPayload<F extends ActionFields> = { -readonly [E in F[number] as E[0]]: ValueOf<E[1]> };

/** What `apply` sees besides the world, the player and the payload. */
export interface ActionContext {
  /** The tick the action is for (the tick of the input that carries it). */
  readonly tick: Tick;
}

/** The outcome of `apply`: done, or refused with a short kebab-case reason (at most 64 characters) and nothing changed. */
export type ActionOutcome = { ok: true } | { ok: false; reason: string };

/** A game's predicted action as declared. */
export interface UserActionDef<F extends ActionFields = ActionFields> {
  /** Id in {@link USER_ACTION_IDS}. */
  readonly id: number;
  /** Unique name (letters, digits, `_`). */
  readonly name: string;
  /** Payload fields in wire order (the payload is a MessagePack array of them). */
  readonly fields: F;
  /** The components `apply` may change on the acting player; each replicated to 'owner' or 'all'. */
  readonly writes: readonly ComponentSchema[];
  /**
   * The rules: checks and applies the action of player `eid`, or refuses it having changed nothing. Runs on the
   * server in the tick it is for and on the client when predicted; deterministic, simulation state only.
   */
  apply(world: GameWorld, eid: number, payload: FieldsPayload<F>, ctx: ActionContext): ActionOutcome;
}

/** Declares a predicted user action (identity function that keeps the literal field types for `apply`). */
export function defineAction<const F extends ActionFields>(a: UserActionDef<F>): UserActionDef<F> {
  return a;
}
