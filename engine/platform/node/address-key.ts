/**
 * The address a connection is counted under, for per-address caps: an IPv6 client usually owns a whole /64, so its
 * /64 counts as one address.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The address a connection is counted under: IPv4 (also IPv4-mapped IPv6) as is, IPv6 as its /64. */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.split('%')[0].toLowerCase();
  const mapped = /^::ffff:(.+)$/.exec(bare)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(bare)) return bare;
  const [head, tail] = bare.split('::');
  const groups = (text: string | undefined) => (text ? text.split(':') : []);
  // An embedded IPv4 tail (a.b.c.d) stands for two groups; a `::` for as many zero groups as are missing.
  const width = (g: string[]) => g.reduce((n, x) => n + (x.includes('.') ? 2 : 1), 0);
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array<string>(8 - width(groups(head)) - width(groups(tail))).fill('0'), ...groups(tail)];
  return `${all.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}
