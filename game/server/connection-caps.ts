/**
 * Caps on page connections open at once, overall and per address, so that one client (or a few) cannot take every
 * socket the server has. Addresses are counted by {@link addressKey}: an IPv6 client usually owns a whole /64, so
 * its /64 counts as one address.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Page connections open at once, all addresses together. */
export const MAX_PAGE_CONNECTIONS = 256;
/**
 * Page connections open at once from one address (IPv6: one /64). A browser opens up to 6 to a host and keeps them
 * open a while; this leaves room for several players behind one NAT.
 */
export const MAX_PAGE_CONNECTIONS_PER_ADDRESS = 32;

/** The caps. */
export interface ConnectionCapLimits {
  /** See {@link MAX_PAGE_CONNECTIONS}. */
  maxConnections: number;
  /** See {@link MAX_PAGE_CONNECTIONS_PER_ADDRESS}. */
  maxConnectionsPerAddress: number;
}

/** The default caps. */
export const CONNECTION_CAPS: Readonly<ConnectionCapLimits> = {
  maxConnections: MAX_PAGE_CONNECTIONS, maxConnectionsPerAddress: MAX_PAGE_CONNECTIONS_PER_ADDRESS,
};

/** Counts open connections against the caps. */
export interface ConnectionCaps {
  /** Counts a new connection from `key` if the caps allow it: `ok`, or which cap refused it (then nothing is counted). */
  admit(key: string): 'ok' | 'total' | 'address';
  /** A connection counted by `admit` closed. */
  release(key: string): void;
  /** Connections counted now. */
  readonly open: number;
}

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

/** Counters for `limits`. */
export function createConnectionCaps(limits: Readonly<ConnectionCapLimits>): ConnectionCaps {
  const perAddress = new Map<string, number>();
  let open = 0;
  return {
    admit(key) {
      if (open >= limits.maxConnections) return 'total';
      const n = perAddress.get(key) ?? 0;
      if (n >= limits.maxConnectionsPerAddress) return 'address';
      perAddress.set(key, n + 1);
      open++;
      return 'ok';
    },
    release(key) {
      const n = perAddress.get(key) ?? 0;
      if (n <= 1) perAddress.delete(key);
      else perAddress.set(key, n - 1);
      open = Math.max(0, open - 1);
    },
    get open() { return open; },
  };
}
