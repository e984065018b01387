/** Player names: control characters and empty or long names refused; duplicates made unique regardless of case. */
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, checkPlayerName, nameKey, uniqueName } from '../../../engine/net/player-name.ts';

describe('player names', () => {
  it('refuses names that could forge log lines or hide', () => {
    expect(checkPlayerName('alice')).toBeUndefined();
    expect(checkPlayerName('Zoë 2')).toBeUndefined();
    expect(checkPlayerName('eve\n[info] admin joined')).toMatch(/control/);
    expect(checkPlayerName('\u001b[31mred')).toMatch(/control/);
    expect(checkPlayerName('bob\u202e')).toMatch(/control/);
    expect(checkPlayerName('')).toMatch(/empty/);
    expect(checkPlayerName('   ')).toMatch(/empty/);
    expect(checkPlayerName(' bob')).toMatch(/white space/);
    expect(checkPlayerName('x'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
    expect(checkPlayerName('x'.repeat(MAX_NAME_LENGTH + 1))).toMatch(/longer/);
  });

  it('makes a taken name unique, ignoring case and width', () => {
    const taken = new Set([nameKey('Bob'), nameKey('bob (2)')]);
    expect(uniqueName('alice', (k) => taken.has(k))).toBe('alice');
    expect(uniqueName('BOB', (k) => taken.has(k))).toBe('BOB (3)');
    expect(uniqueName('ｂｏｂ', (k) => taken.has(k))).toBe('ｂｏｂ (3)');
  });
});
