/**
 * `stratum-voxel diff A B [--json OUT] [--max N]`: compares two event streams (JSONL, see engine/replay/event-stream.ts)
 * and prints counts per kind of difference, then the first N differences. Exit code 0 when the streams match,
 * 1 when they differ, 2 on bad input (unreadable file, malformed line: the message names the file and line), bad
 * options, or any other failure to compare.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  diffEventStreams, formatDiffReport, parseEventStream, type EventStream, JsonlError,
} from '../../engine/index.ts';
import { formatHelp, OptionError, parseOptions } from '../options.ts';
import type { Command } from './command.ts';

const OPTIONS = {
  json: { kind: 'string', help: 'also write the whole report (every difference) as JSON to this file' },
  max: { kind: 'int', default: 20, min: 0, max: 1_000_000_000, help: 'differences to print' },
} as const;

const USAGE = 'stratum-voxel diff A.jsonl B.jsonl [--json OUT] [--max N]';

/** A file that cannot be read or written; the message names it. */
class FileError extends Error {
  override name = 'FileError';
}

/** Reads and parses one stream; a bad input is an Error whose message names the file (and line). */
function load(path: string): EventStream {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : (e as Error).message})`);
  }
  return parseEventStream(text, path);
}

/** The `diff` command. */
export const diff: Command = {
  summary: 'compare two event streams: counts per kind, then the first differences',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp(USAGE, 'Compares event streams A and B. Exit 0: they match; 1: they differ; 2: bad input.', OPTIONS));
      return 0;
    }
    const { values: o, positionals } = parseOptions(OPTIONS, argv);
    if (positionals.length !== 2) throw new OptionError(`diff needs two event stream files, got ${positionals.length}; usage: ${USAGE}`);
    const [pathA, pathB] = positionals;
    try {
      return compare(pathA, pathB, o.max, o.json);
    } catch (e) {
      // Exit code 1 means "the streams differ", so no failure may end with it: a failure to compare is a 2.
      if (e instanceof JsonlError || e instanceof FileError) console.error(`stratum-voxel diff: ${e.message}`);
      else console.error('stratum-voxel diff: could not compare:', e);
      return 2;
    }
  },
};

/** Loads both streams, prints the report, writes the JSON report if asked; returns 0 (same) or 1 (different). */
function compare(pathA: string, pathB: string, max: number, jsonPath: string | undefined): number {
  const a = load(pathA);
  const b = load(pathB);
  const result = diffEventStreams(a, b);
  const sideA = { name: pathA, header: a.header, events: a.events.length };
  const sideB = { name: pathB, header: b.header, events: b.events.length };
  console.log(formatDiffReport(result, sideA, sideB, max).join('\n'));
  if (jsonPath !== undefined) {
    try {
      writeFileSync(jsonPath, JSON.stringify({ a: sideA, b: sideB, ...result }, null, 1) + '\n');
    } catch (e) {
      throw new FileError(`cannot write ${jsonPath}: ${(e as Error).message}`);
    }
  }
  return result.same ? 0 : 1;
}
