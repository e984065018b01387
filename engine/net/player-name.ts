/**
 * Player names: what a Hello may ask for, and how the server keeps names unique. A name is what other players see
 * in chat and above a figure, so it must be printable, short, and never the same as another player's.
 */

/** Longest name, in characters. */
export const MAX_NAME_LENGTH = 24;

/** Characters a name may not hold: control and formatting characters (newlines, ANSI escapes, bidi overrides). */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

/** Why `name` cannot be a player name, or undefined when it can. */
export function checkPlayerName(name: string): string | undefined {
  if (name.trim().length === 0) return 'name is empty';
  if ([...name].length > MAX_NAME_LENGTH) return `name is longer than ${MAX_NAME_LENGTH} characters`;
  if (FORBIDDEN.test(name)) return 'name holds control or formatting characters';
  if (name !== name.trim()) return 'name starts or ends with white space';
  return undefined;
}

/** Names are compared without case and Unicode compatibility differences ("Bob" and "ｂｏｂ" are one name). */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/**
 * `name` if no player has it (by {@link nameKey}), else the first free "name (2)", "name (3)", ...; `taken` tells
 * whether a key is in use.
 */
export function uniqueName(name: string, taken: (key: string) => boolean): string {
  if (!taken(nameKey(name))) return name;
  for (let n = 2; ; n++) {
    const candidate = `${name} (${n})`;
    if (!taken(nameKey(candidate))) return candidate;
  }
}
