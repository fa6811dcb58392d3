import { describe, expect, it } from 'vitest';
import { balanceIndex } from '../../shared/src/participation/balance.ts';
import { BALANCE_BANDS, readBalance } from '../../shared/src/participation/balanceReading.ts';

describe('readBalance: one scale, fixed bands', () => {
  it.each([
    [1, '1.00', 'even'],
    [0.95, '0.95', 'even'],
    [0.9449, '0.94', 'fairly even'],
    [0.945, '0.95', 'even'],
    [0.85, '0.85', 'fairly even'],
    [0.8449, '0.84', 'uneven'],
    [0.6, '0.60', 'uneven'],
    [0.5951, '0.60', 'uneven'],
    [0.5949, '0.59', 'very uneven'],
    [0.59, '0.59', 'very uneven'],
    [0, '0.00', 'very uneven']
  ])('reads %s as "%s, %s"', (index, figure, words) => {
    expect(readBalance(index)).toMatchObject({ figure, words });
  });

  it('gives the words of the figure it shows: a figure of 0.60 is always "uneven"', () => {
    // 0.59950… and 0.6 both show 0.60; before, the first read "very uneven" beside the same figure.
    for (const index of [0.5995, 0.59996, 0.6, 0.6000001, 0.6049]) {
      expect(readBalance(index)).toEqual({ figure: '0.60', band: 'uneven', words: 'uneven' });
    }
    // Every figure on the two-decimal scale has exactly one band, whatever index produced it.
    for (let h = 0; h <= 100; h++) {
      const below = readBalance(h / 100 - 0.004);
      const above = readBalance(h / 100 + 0.004);
      if (below.figure === above.figure) expect(below.words).toBe(above.words);
    }
  });

  it('bands a real split: 40/30/20/10 among four is fairly even, one voice among eight very uneven', () => {
    expect(readBalance(balanceIndex([40, 30, 20, 10]))).toMatchObject({ figure: '0.92', band: 'fairly-even' });
    expect(readBalance(balanceIndex([5, 5, 5, 5]))).toMatchObject({ figure: '1.00', band: 'even' });
    expect(readBalance(balanceIndex([9, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({ figure: '0.00', band: 'very-uneven' });
  });

  it('says nobody has spoken yet while there is no index', () => {
    expect(readBalance(null)).toEqual({ figure: '—', band: null, words: 'nobody has spoken yet' });
    expect(readBalance(balanceIndex([0, 0, 0]))).toEqual({ figure: '—', band: null, words: 'nobody has spoken yet' });
  });

  it('keeps the bands ordered from even down to zero, covering the whole scale', () => {
    const bounds = BALANCE_BANDS.map((b) => b.fromHundredths);
    expect(bounds).toEqual([...bounds].sort((x, y) => y - x));
    expect(bounds.at(-1)).toBe(0);
    expect(new Set(BALANCE_BANDS.map((b) => b.words)).size).toBe(BALANCE_BANDS.length);
  });
});
