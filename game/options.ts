/**
 * Option parsing for the `stratum` CLI and config files: every bad value is reported with its key and the allowed
 * range, as an {@link OptionError}.
 */

/** A bad command-line or config value. The message names the option and what is allowed. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/** Describes one option: its kind, default, range and help text. */
export type OptionSpec =
  | { kind: 'int'; default?: number; min: number; max: number; help: string }
  | { kind: 'number'; default?: number; min: number; max: number; help: string }
  | { kind: 'string'; default?: string; help: string; choices?: readonly string[] }
  | { kind: 'flag'; help: string };

/** A command's option table, keyed by long option name (without dashes). */
export type OptionTable = Record<string, OptionSpec>;

/** The parsed values of an option table. */
export type OptionValues<T extends OptionTable> = {
  [K in keyof T]: T[K] extends { kind: 'flag' } ? boolean
    : T[K] extends { kind: 'int' | 'number'; default: number } ? number
    : T[K] extends { kind: 'int' | 'number' } ? number | undefined
    : T[K] extends { kind: 'string'; default: string } ? string
    : string | undefined;
};

/** Checks one value against its spec; `from` says where it came from ("--seed", "config key seed"). */
export function checkOption(spec: OptionSpec, raw: unknown, from: string): number | string | boolean {
  switch (spec.kind) {
    case 'flag':
      if (typeof raw === 'boolean') return raw;
      throw new OptionError(`${from} is a flag (true or false), got ${JSON.stringify(raw)}`);
    case 'string': {
      const s = String(raw);
      if (spec.choices && !spec.choices.includes(s)) {
        throw new OptionError(`${from} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(raw)}`);
      }
      return s;
    }
    case 'int':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      const what = spec.kind === 'int' ? 'an integer' : 'a number';
      if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n)) || n < spec.min || n > spec.max) {
        throw new OptionError(`${from} must be ${what} in ${spec.min}..${spec.max}; got ${JSON.stringify(raw)}`);
      }
      return n;
    }
  }
}

/** Parses `--name value`, `--name=value` and `--flag` arguments against a table; positional args are returned apart. */
export function parseOptions<T extends OptionTable>(
  table: T,
  argv: readonly string[],
): { values: OptionValues<T>; positionals: string[] } {
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = table[name];
    if (!spec) {
      const known = Object.keys(table).map((k) => `--${k}`).join(', ');
      throw new OptionError(`unknown option --${name}${known ? `; known options: ${known}` : ''}`);
    }
    let raw: unknown;
    if (spec.kind === 'flag') {
      raw = eq < 0 ? true : argv[i].slice(eq + 1) !== 'false';
    } else if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new OptionError(`--${name} needs a value (${describe(spec)})`);
      raw = argv[++i];
    }
    values[name] = checkOption(spec, raw, `--${name}`);
  }
  for (const [name, spec] of Object.entries(table)) {
    if (values[name] === undefined) {
      values[name] = spec.kind === 'flag' ? false : spec.default;
    }
  }
  return { values: values as OptionValues<T>, positionals };
}

/** One line describing an option's allowed values. */
export function describe(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'flag': return 'flag';
    case 'string': return spec.choices ? `one of ${spec.choices.join(', ')}` : 'text';
    default: return `${spec.kind === 'int' ? 'integer' : 'number'} ${spec.min}..${spec.max}`;
  }
}

/** Formats an option table as help text. */
export function formatHelp(usage: string, summary: string, table: OptionTable): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const def = 'default' in spec && spec.default !== undefined ? ` (default ${spec.default})` : '';
    return `  --${name.padEnd(14)} ${spec.help}; ${describe(spec)}${def}`;
  });
  return [`usage: ${usage}`, '', summary, '', 'options:', ...rows, `  --${'help'.padEnd(14)} show this help`].join('\n');
}
