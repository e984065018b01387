/**
 * Caps on connections or sessions open at once, overall and per address, so that one client (or a few) cannot take
 * every socket the server has. The page server and the game's network server both count with it. Addresses are
 * counted by key: on Node, `addressKey` (engine/platform/node/address-key.ts) makes an IPv6 client's /64 one address.
 */

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
