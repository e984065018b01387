/** Files of the web root: containment of request paths (the file serving itself is tested through the page server). */
import fc from 'fast-check';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileInRoot, isInside } from '../../../engine/platform/node/http/static-file.ts';

const root = join(sep, 'x', 'web');

describe('isInside', () => {
  it('is true for the root and below it, false for parents and for siblings sharing the prefix', () => {
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, join(root, 'a', 'b.js'))).toBe(true);
    expect(isInside(root, join(root, '..foo'))).toBe(true);
    expect(isInside(root, join(sep, 'x'))).toBe(false);
    expect(isInside(root, join(sep, 'x', 'web-private', 'secret.txt'))).toBe(false);
    expect(isInside(root, join(sep, 'x', 'webx'))).toBe(false);
  });
});

describe('fileInRoot', () => {
  it('maps request paths into the root and refuses those that climb out', () => {
    expect(fileInRoot(root, '/app.js')).toBe(join(root, 'app.js'));
    expect(fileInRoot(root, '/a/../index.html')).toBe(join(root, 'index.html'));
    expect(fileInRoot(root, '/../web-private/secret.txt')).toBeUndefined();
    expect(fileInRoot(root, '/a/../../web')).toBe(root);
    expect(fileInRoot(root, '/../../../etc/passwd')).toBeUndefined();
  });

  it('whatever the path, the file it gives lies inside the root', () => {
    const segment = fc.constantFrom('..', '.', 'web', 'web-private', 'a', '', '\\', '..\\..', 'x\0y');
    fc.assert(fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
      const file = fileInRoot(root, `/${segments.join('/')}`);
      if (file !== undefined) expect(file === root || file.startsWith(root + sep)).toBe(true);
    }), { numRuns: 300 });
  });
});
