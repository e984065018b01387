/**
 * The public host: the `host[:port]` browsers reach the page at. Redirects to HTTPS go there and nowhere else (never
 * to a request's own Host header, which a stranger chooses). Checked strictly, so a value cannot smuggle a path,
 * user info or a second host into a URL.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The allowed form of a public host, for messages. */
export const PUBLIC_HOST_FORM = 'host or host:port (host: a DNS name, an IPv4 address or an [IPv6] address; port 1..65535)';

/** A checked public host. */
export interface PublicHost {
  /** DNS name or IPv4 address in lower case, or an IPv6 address in brackets. */
  readonly host: string;
  /** The port, when given. */
  readonly port?: number;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Parses `host`, `host:port`, `[ipv6]`, `[ipv6]:port` or a bare IPv6 address; undefined when the value is none of them. */
export function parsePublicHost(value: string): PublicHost | undefined {
  const v = value.toLowerCase();
  if (isIPv6(v)) return { host: `[${v}]` };
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  const [, host, portText] = m;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  if (!validHost(host)) return undefined;
  return port === undefined ? { host } : { host, port };
}

/** `host:port` of a public host; `defaultPort` when it names none. */
export function publicAuthority(p: PublicHost, defaultPort: number): string {
  return `${p.host}:${p.port ?? defaultPort}`;
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) return isIPv6(host.slice(1, -1));
  if (/^[0-9.]+$/.test(host)) return isIPv4(host);
  return host.length <= 253 && host.split('.').every((label) => LABEL.test(label));
}
