/** The plain-word band a balance index falls in; `null` while no member has spoken. */
export type BalanceBand = 'even' | 'fairly-even' | 'uneven' | 'very-uneven';

/**
 * The fixed bands of the balance index, highest first: an index belongs to the first band whose
 * lower bound it reaches. The bounds are in hundredths because the index is read at two decimals:
 * banding the figure as shown is what keeps "0.60" from reading "very uneven" in one place and
 * "uneven" in another. A reading aid, not a clinical threshold (docs/participation.md).
 */
export const BALANCE_BANDS: readonly { readonly band: BalanceBand; readonly fromHundredths: number; readonly words: string }[] = [
  { band: 'even', fromHundredths: 95, words: 'even' },
  { band: 'fairly-even', fromHundredths: 85, words: 'fairly even' },
  { band: 'uneven', fromHundredths: 60, words: 'uneven' },
  { band: 'very-uneven', fromHundredths: 0, words: 'very uneven' }
];

/** What is shown for one balance index, wherever it is shown: the figure, its band and its words. */
export interface BalanceReading {
  /** Two decimals ("0.60"), or "—" while no member has spoken. */
  readonly figure: string;
  readonly band: BalanceBand | null;
  readonly words: string;
}

const NOBODY_YET: BalanceReading = { figure: '—', band: null, words: 'nobody has spoken yet' };

/**
 * The balance index (1 = even) as every view shows it: rounded once to hundredths, and both the
 * figure and the band taken from that one rounded value, so the two can never disagree.
 */
export function readBalance(index: number | null): BalanceReading {
  if (index === null || !Number.isFinite(index)) return NOBODY_YET;
  const hundredths = Math.min(100, Math.max(0, Math.round(index * 100)));
  const found = BALANCE_BANDS.find((b) => hundredths >= b.fromHundredths) ?? BALANCE_BANDS[BALANCE_BANDS.length - 1]!;
  return { figure: (hundredths / 100).toFixed(2), band: found.band, words: found.words };
}
