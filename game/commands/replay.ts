/**
 * `stratum-voxel replay --inputs DIR --out FILE`: re-simulates a recorded server session headlessly from its input logs
 * (DIR holds session.json and inputs-<client>.jsonl, as the world test writes them) and writes the server's event
 * stream, for `stratum-voxel diff` against the live one.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHasher, encodeEventStream, parseInputLog, type InputLogEntry, joinLines } from '../../engine/index.ts';
import { replaySession } from '../worldtest/replay.ts';
import type { SessionInfo } from '../worldtest/session-recording.ts';
import { OptionError, formatHelp, parseOptions } from '../options.ts';
import type { Command } from './command.ts';

const OPTIONS = {
  inputs: { kind: 'string', help: 'folder with session.json and inputs-<client>.jsonl' },
  out: { kind: 'string', help: 'event stream (JSONL) to write' },
} as const;

/** The `replay` command. */
export const replay: Command = {
  summary: 'replay a recorded session from its input logs',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel replay --inputs DIR --out FILE', 'Re-simulates the server from input logs and writes its event stream.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    if (!o.inputs || !o.out) throw new OptionError('--inputs DIR and --out FILE are both required');
    const sessionFile = join(o.inputs, 'session.json');
    if (!existsSync(sessionFile)) throw new OptionError(`--inputs ${o.inputs}: no session.json there (the world test writes it to <out>/inputs/)`);
    const info = JSON.parse(readFileSync(sessionFile, 'utf8')) as SessionInfo;
    const logs = new Map<number, InputLogEntry[]>();
    for (const f of readdirSync(o.inputs).filter((n) => /^inputs-\d+\.jsonl$/.test(n)).sort()) {
      const path = join(o.inputs, f);
      const log = parseInputLog(readFileSync(path, 'utf8'), path);
      if (log.header.schemaHash !== info.schemaHash || log.header.protocolVersion !== info.protocolVersion) {
        console.error(`stratum-voxel replay: ${path} was recorded with protocol ${log.header.protocolVersion}/${log.header.schemaHash}; session.json says ${info.protocolVersion}/${info.schemaHash}`);
        return 2;
      }
      logs.set(log.header.client, log.entries);
    }
    const t0 = performance.now();
    const result = replaySession(info, logs, await loadHasher());
    writeFileSync(o.out, joinLines(encodeEventStream({ header: result.header, events: result.events })));
    console.log(`replayed ${info.endTick} ticks of ${logs.size} client(s) in ${(performance.now() - t0).toFixed(0)} ms; ${result.events.length} events written to ${o.out}`);
    return 0;
  },
};
