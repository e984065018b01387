/**
 * `@fails-components/webtransport` tries to load its optional native HTTP/3 part when it is imported and prints three
 * lines (with a stack trace) when it is absent, as it always is on machines that cannot install it. Stratum reports
 * which mappings it serves itself, so when the optional package is not installed this drops exactly those lines.
 * Import this module before the library. Nothing else printed is touched.
 */
import { createRequire } from 'node:module';

const PACKAGE = '@fails-components/webtransport-transport-http3-quiche';

function installed(): boolean {
  try {
    createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function isProbeNoise(args: unknown[]): boolean {
  const first = args[0];
  if (first === 'Problem loading http3-quiche transport') return true;
  if (typeof first === 'string' && first.startsWith('Did you install @fails-components/webtransport-transport-http3-quiche')) return true;
  return first === 'http3 loader:' && String(args[1]).includes(PACKAGE);
}

if (!installed()) {
  for (const level of ['log', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => { if (!isProbeNoise(args)) original(...args); };
  }
}
