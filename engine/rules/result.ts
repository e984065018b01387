/** Outcomes of game rules: done, or refused with a machine-readable reason and a sentence for people. */

/** A refused action. Nothing was changed. */
export interface Refusal {
  /** Always false. */
  ok: false;
  /** Short kebab-case code, e.g. 'out-of-reach'; stable for logs and tests. */
  reason: string;
  /** What was wrong, with the values involved. */
  message: string;
}

/** The outcome of a rule that returns nothing else. */
export type RuleResult = { ok: true } | Refusal;

/** Makes a {@link Refusal}. */
export function refuse(reason: string, message: string): Refusal {
  return { ok: false, reason, message };
}
