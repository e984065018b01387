#!/usr/bin/env -S node --max-semi-space-size=16
// The `stratum-voxel` command. In the repository it runs the TypeScript sources (game/cli.ts); in the installed
// package, which ships no TypeScript (Node does not strip types under node_modules), the built dist/game/cli.js.
import { existsSync } from 'node:fs';

const source = new URL('../game/cli.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/game/cli.js', import.meta.url).href);
