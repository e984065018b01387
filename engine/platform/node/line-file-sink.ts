/**
 * A {@link LineSink} that writes replay lines (input logs, event streams) to a file, for Node. Lines are buffered
 * in memory and written synchronously when the buffer passes `bufferBytes`, on `flush()` and on `close()`, so a
 * recorder on the tick loop costs one write per ~64 KiB rather than one per event.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { LineSink } from '../../replay/jsonl.ts';

/** Options of {@link openLineFileSink}. */
export interface LineFileSinkOptions {
  /** Append to an existing file instead of truncating it (default false). */
  append?: boolean;
  /** Buffered characters that trigger a write (default 65,536). */
  bufferBytes?: number;
}

/** A file-backed {@link LineSink}. */
export interface LineFileSink extends LineSink {
  /** The file written. */
  readonly path: string;
  /** Writes buffered lines to the file now. */
  flush(): void;
  /** Flushes and closes the file; later writes throw. */
  close(): void;
}

/** Opens (creating or truncating, unless `append`) `path` for writing lines, each followed by '\n'. */
export function openLineFileSink(path: string, options: LineFileSinkOptions = {}): LineFileSink {
  const limit = options.bufferBytes ?? 65_536;
  let fd: number | undefined = openSync(path, options.append ? 'a' : 'w');
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (fd === undefined) throw new Error(`line sink ${path} is closed`);
    if (pending.length === 0) return;
    writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    path,
    write(line) {
      if (fd === undefined) throw new Error(`line sink ${path} is closed`);
      if (line.includes('\n')) throw new Error(`line sink ${path}: a line must not contain '\\n'`);
      pending.push(line, '\n');
      size += line.length + 1;
      if (size >= limit) flush();
    },
    flush,
    close() {
      if (fd === undefined) return;
      flush();
      closeSync(fd);
      fd = undefined;
    },
  };
}
