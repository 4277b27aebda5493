import { expect, it } from 'vitest';
import { formatBytes } from './format.ts';

it.each([
  [0, '0 B'],
  [999, '999 B'],
  [1500, '1.5 KB'],
  [2_700_000_000, '2.7 GB'],
  [-1, '—'],
])('formats %d bytes as %s', (n, s) => expect(formatBytes(n)).toBe(s));
