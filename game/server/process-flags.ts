/**
 * Node flags a game server process runs with. They are given where a server process starts: `npm start`
 * (package.json), the `stratum` command (the shebang of game/cli.ts, so every command gets them) and
 * `stratum bench scale` (which starts `stratum serve` itself); test/game/server/process-flags.test.ts keeps the three
 * equal to this list.
 *
 * `--max-semi-space-size=16`: V8's young generation, where short-lived objects are made, grows with the allocation
 * rate up to 2 x 64 MB on Node 24 (no pointer compression) and stays that large once grown. A crowd joining grows it
 * to the maximum, and that memory then stays resident for as long as the server runs: `bench scale` measured 1.0 to
 * 1.5 MB of server RSS per idle joined client without the flag (as the joins grew it to 64 or to 128 MB), 0.7 MB
 * with it. 16 MB semi-spaces (32 MB of young generation, the V8 default for years) cost more frequent minor
 * collections, each of the same size: what survives a tick.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];
