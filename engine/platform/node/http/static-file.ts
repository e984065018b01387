/**
 * Files of the web root (the browser build): a request path leads to a file only when the file, symbolic links
 * followed, lies inside the root. Read errors are results, never throws.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Content types by file extension; others are sent as `application/octet-stream`. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Whether `file` (an absolute path) is `root` or lies inside it. A sibling that shares the root's name as a prefix does not. */
export function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The file a decoded request path names in `root`, or undefined when the path leads outside it. */
export function fileInRoot(root: string, path: string): string | undefined {
  const file = resolve(root, `.${path.startsWith('/') ? '' : '/'}${path}`);
  return isInside(root, file) ? file : undefined;
}

/** What {@link sendFile} did. */
export type SendFileResult =
  | {
    /** The response was sent (or cut short). */
    readonly sent: true;
    /** A read error cut the response short (it was destroyed). */
    readonly error?: Error;
  }
  | {
    /** Nothing was sent. */
    readonly sent: false;
    /** Nothing was written: answer with this. */
    readonly status: 404 | 500;
    /** Why (no such file, outside the root, the read error). */
    readonly reason: string;
    /** The path leads outside the web root: an attempt worth logging. */
    readonly outside?: true;
    /** The open or read error. */
    readonly error?: Error;
  };

/**
 * Sends the file `path` names in `root` (a real path: no symbolic links in it) to `res`: body for GET, head only for
 * HEAD. Resolves with what happened; when nothing was sent, the caller answers with the status it gives.
 */
export async function sendFile(root: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<SendFileResult> {
  const file = fileInRoot(root, path);
  if (!file) return { sent: false, status: 404, reason: 'outside the web root', outside: true };
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { sent: false, status: 404, reason: 'no such file' };
  }
  if (!isInside(root, real)) return { sent: false, status: 404, reason: 'a link to outside the web root', outside: true };
  let handle;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { sent: false, status: 404, reason: 'no such file' };
    return { sent: false, status: 500, reason: 'the file could not be opened', error: e as Error };
  }
  const stat = await handle.stat().catch(() => undefined);
  if (!stat?.isFile()) {
    await handle.close().catch(() => {});
    return { sent: false, status: 404, reason: 'not a file' };
  }
  res.setHeader('Content-Type', TYPES[extname(real)] ?? 'application/octet-stream');
  if (req.method === 'HEAD') {
    await handle.close().catch(() => {});
    res.setHeader('Content-Length', stat.size);
    res.end();
    return { sent: true };
  }
  return new Promise((done) => {
    const stream = handle.createReadStream();
    stream.once('error', (error) => {
      stream.unpipe(res);
      if (res.headersSent) {
        res.destroy();
        done({ sent: true, error });
      } else {
        done({ sent: false, status: 500, reason: 'the file could not be read', error });
      }
    });
    stream.once('end', () => done({ sent: true }));
    res.once('close', () => {
      stream.destroy();
      done({ sent: true });
    });
    stream.pipe(res);
  });
}
