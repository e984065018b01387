/**
 * Text from the network made safe for a log line: control characters (newlines, ANSI escapes, C1 codes, Unicode
 * line and paragraph separators) are shown as `\u{..}` escapes, so a peer can neither forge log lines nor restyle a
 * terminal, and long values are cut.
 */

/** Characters that would break a log line or drive a terminal. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` with control characters escaped, cut to `max` characters (default 64) with an ellipsis. */
export function logText(value: unknown, max = 64): string {
  const s = typeof value === 'string' ? value : String(value);
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
