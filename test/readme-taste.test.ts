/**
 * The README's first screen shows a taste of the API; it must stay true. This type-checks that code block against
 * the package's entry points (the `stratum-source` condition resolves `stratum-voxel` to the sources here), so a
 * renamed export or option breaks this test instead of the README silently going stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The first ```ts block after the line that introduces the taste. */
function taste(readme: string): string {
  const from = readme.indexOf('A taste of the API');
  expect(from).toBeGreaterThan(0);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  expect(m).not.toBeNull();
  return m![1];
}

function diagnostics(source: string): string[] {
  const dir = `${root}out/readme-taste`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/taste.ts`, source);
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const program = ts.createProgram([`${dir}/taste.ts`], { ...config.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the README taste of the API', () => {
  const code = taste(readFileSync(`${root}README.md`, 'utf8'));

  it('is at most about 15 lines and type-checks against the public entry points', () => {
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(17);
    expect(diagnostics(code)).toEqual([]);
  }, 60_000);

  it('fails the check when it names something the entry points do not export', () => {
    expect(diagnostics(code.replace('createGameServer({', 'createGameSever({')).join(' ')).toMatch(/createGameSever/);
  }, 60_000);
});
