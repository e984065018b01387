/**
 * The API reference check (`npm run docs`, run by .ci/run) fails on an export without a doc comment. This runs the
 * same TypeDoc options and plugin over a fixture entry point with one undocumented export, and expects the failure.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPEDOC = 'node_modules/typedoc/bin/typedoc';

describe('API reference doc-comment check', () => {
  it('exits non-zero naming an undocumented export, and lets fields of an inline object type pass', () => {
    const run = spawnSync(process.execPath, [
      TYPEDOC, '--options', 'typedoc.json', '--tsconfig', 'test/fixtures/docs/tsconfig.json',
      '--entryPoints', 'test/fixtures/docs/api.ts', '--emit', 'none', '--logLevel', 'Warn',
    ], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    const log = run.stdout + run.stderr;
    expect(run.status, log).not.toBe(0);
    expect(log).toContain('UNDOCUMENTED_EXPORT (Variable), defined in test/fixtures/docs/api.ts, has no doc comment');
    expect(log).not.toMatch(/Shape\.(size|at)\b/);
    expect(log.match(/has no doc comment/g)).toHaveLength(1);
  });
});
