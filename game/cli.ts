#!/usr/bin/env -S node --max-semi-space-size=16
/**
 * The `stratum-voxel` command: `npx --no-install stratum-voxel <command> [options]` (bin/stratum-voxel.js runs
 * this file in the repository, its build dist/game/cli.js in the installed package). Each subcommand lives in
 * `game/commands/` and is loaded only when it runs, so that `--help` stays fast.
 */
import { OptionError } from './options.ts';
import type { Command } from './commands/command.ts';

/** Subcommands by name, loaded lazily. Keep alphabetical. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  bench: { summary: 'run a benchmark (ecs, ...): prints a table, --json FILE writes the figures', load: async () => (await import('./commands/bench.ts')).bench },
  bot: { summary: 'join a running server with a scripted bot (--connect URL)', load: async () => (await import('./commands/bot.ts')).bot },
  cluster: { summary: 'run a cluster on this machine: local NATS, N shard processes, a gateway (npm run cluster)', load: async () => (await import('./commands/cluster.ts')).cluster },
  diff: { summary: 'compare two event streams (JSONL); exit 0 same, 1 different, 2 bad input', load: async () => (await import('./commands/diff.ts')).diff },
  replay: { summary: 're-simulate a recorded server session from its input logs (--inputs DIR --out FILE)', load: async () => (await import('./commands/replay.ts')).replay },
  serve: { summary: 'run a game server (what npm start runs)', load: async () => (await import('./commands/serve.ts')).serve },
  shard: { summary: 'run one shard of a cluster (started by cluster)', load: async () => (await import('./commands/shard.ts')).shard },
  sim: { summary: 'headless server simulation with scripted bots; prints the state hash', load: async () => (await import('./commands/sim.ts')).sim },
  worldtest: { summary: 'multi-client world test over WebTransport with a link conditioner; metrics.json and report.html', load: async () => (await import('./commands/worldtest.ts')).worldtest },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: stratum-voxel <command> [options]', '', 'commands:', ...rows, '', 'stratum-voxel <command> --help shows its options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`stratum-voxel: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  // Exit when the command is done, even if a library still holds a socket or timer open.
  (code) => { process.stdout.write('', () => process.exit(code)); },
  (err: unknown) => {
    if (err instanceof OptionError) console.error(`stratum-voxel: ${err.message}`);
    else console.error(err);
    // Exit even if the failed command left a socket, a worker or a timer open.
    process.stderr.write('', () => process.exit(err instanceof OptionError ? 2 : 1));
  },
);
