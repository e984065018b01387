/**
 * What the NATS tests share: whether `nats-server` is installed, and the rule for a missing one: with CI=true (or 1,
 * as CI services set it) or STRATUM_NATS=1 (.ci/run sets it, after installing nats-server with apt-get when missing)
 * the tests fail; otherwise they are skipped, loudly.
 */
import { findNatsServer, NATS_INSTALL_HINT } from '../../engine/cluster/nats-server.ts';

/** The installed `nats-server`, if any. */
export const NATS_SERVER = findNatsServer();

/** True when a missing `nats-server` must fail the tests (CI). */
export const NATS_REQUIRED = /^(1|true)$/i.test(process.env.CI ?? '') || process.env.STRATUM_NATS === '1';

/** True when the NATS tests are skipped (no server, not CI); warns once per file. */
export function skipNats(file: string): boolean {
  if (NATS_SERVER || NATS_REQUIRED) return false;
  console.warn(`\n!!! ${file} SKIPPED: nats-server is not installed (${NATS_INSTALL_HINT}; CI=true or STRATUM_NATS=1 makes this a failure)\n`);
  return true;
}
