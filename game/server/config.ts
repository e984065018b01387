/**
 * Server configuration: defaults, overridden by an optional `stratum.config.json`, overridden by command-line flags.
 * Every value is checked against one table; a bad value is reported with its key and allowed range.
 */
import { existsSync, readFileSync } from 'node:fs';
import { OptionError, checkOption, parseOptions, type OptionValues } from '../options.ts';
import { PUBLIC_HOST_FORM, parsePublicHost } from '../../engine/server.ts';

/** Every server option (flag name = config file key). */
export const SERVER_OPTIONS = {
  config: { kind: 'string', default: 'stratum.config.json', help: 'JSON config file (optional; flags override it)' },
  host: { kind: 'string', default: '127.0.0.1', help: 'address to bind (HTTP and WebTransport)' },
  'http-port': { kind: 'int', default: 8080, min: 0, max: 65535, help: 'port of the page and /connect.json, HTTPS and HTTP on one port (0: any free port)' },
  port: { kind: 'int', default: 4433, min: 0, max: 65535, help: 'WebTransport port: UDP for HTTP/3, TCP for the HTTP/2 fallback (0: any free port)' },
  transport: { kind: 'string', default: 'both', choices: ['quic', 'h2', 'both'], help: "'quic': WebTransport over HTTP/3 (QUIC, UDP); 'h2': the HTTP/2 and WebSocket mappings (TCP); 'both': QUIC, with the fallback on the same port number" },
  seed: { kind: 'int', default: 1, min: 0, max: 4294967295, help: 'world seed' },
  world: { kind: 'string', default: 'noise', choices: ['noise', 'superflat'], help: 'terrain generator' },
  'world-radius': { kind: 'int', default: 8, min: 1, max: 64, help: 'world extent: chunks around the origin' },
  'view-distance': { kind: 'int', default: 8, min: 1, max: 32, help: 'chunks around a player that its client receives' },
  'column-sections': { kind: 'int', default: 16, min: 1, max: 64, help: 'world height in 16-block sections' },
  storage: { kind: 'string', default: './data/world.sqlite', help: "SQLite file for block edits ('none': keep in memory)" },
  'storage-sync': { kind: 'string', default: 'normal', choices: ['normal', 'full'], help: "edit durability: 'normal' survives a crash of the server process, 'full' also a power cut (one disk flush per tick with edits)" },
  'admin-token': { kind: 'string', help: 'token for diagnostics commands (default: a random one, printed at start)' },
  threads: { kind: 'int', default: 2, min: 1, max: 64, help: 'worker threads' },
  'web-dir': { kind: 'string', default: 'dist/web', help: 'folder of the browser build to serve (built there when missing)' },
  'max-players': { kind: 'int', default: 200, min: 1, max: 4000, help: 'players joined at once; a Hello beyond it is refused' },
  'max-sessions-per-address': { kind: 'int', default: 8, min: 1, max: 4000, help: 'sessions open at once from one IP address (handshaking included)' },
  'public-host': { kind: 'string', help: "host[:port] that browsers reach the page at (HTTPS redirects go there; default: the bind address)" },
  log: { kind: 'string', default: 'text', choices: ['text', 'json'], help: "server log lines: 'text' ([level] message) or 'json' (one JSON object a line on stdout: t, level, msg, fields)" },
  'log-level': { kind: 'string', default: 'info', choices: ['debug', 'info', 'warn', 'error'], help: 'least severe log level written' },
} as const;

/** Resolved server configuration. */
export type ServerConfig = OptionValues<typeof SERVER_OPTIONS>;

/** Reads the config file (when present or named) and the flags; throws OptionError naming the bad key. */
export function loadServerConfig(argv: readonly string[]): ServerConfig {
  const fromFlags = parseOptions(SERVER_OPTIONS, argv);
  if (fromFlags.positionals.length) throw new OptionError(`unexpected argument '${fromFlags.positionals[0]}'`);
  const explicit = argv.some((a) => a === '--config' || a.startsWith('--config='));
  const path = fromFlags.values.config;
  const merged: Record<string, unknown> = { ...fromFlags.values };
  if (existsSync(path)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new OptionError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new OptionError(`${path}: must hold a JSON object of options`);
    const given = new Set(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]));
    for (const [key, raw] of Object.entries(json)) {
      const spec = SERVER_OPTIONS[key as keyof typeof SERVER_OPTIONS];
      if (!spec || key === 'config') throw new OptionError(`${path}: unknown key '${key}'; known keys: ${Object.keys(SERVER_OPTIONS).filter((k) => k !== 'config').join(', ')}`);
      if (!given.has(key)) merged[key] = checkOption(spec, raw, `${path}: key '${key}'`);
    }
  } else if (explicit) {
    throw new OptionError(`--config ${path}: no such file`);
  }
  const publicHost = merged['public-host'];
  if (publicHost !== undefined && !parsePublicHost(String(publicHost))) {
    throw new OptionError(`public-host must be ${PUBLIC_HOST_FORM}; got ${JSON.stringify(publicHost)}`);
  }
  return merged as ServerConfig;
}
