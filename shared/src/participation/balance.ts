import { normalizedEntropy } from './entropy.ts';

/**
 * The two evenness figures over the members present: the balance index (normalized entropy) and the
 * Gini coefficient. Both take talk times (or shares — only proportions matter) and ignore order: the
 * values are sorted first, so permuting the roster gives bit-for-bit the same result, not merely one
 * equal up to rounding. Formulas and edge cases: docs/participation.md.
 */

/**
 * Normalized entropy of the shares, H / ln n with 0·ln 0 = 0: 1 when everyone present had the same
 * talk time, 0 when one voice had all of it. `null` when there is nothing to share (no values, or all
 * zero); 1 for a single value above zero, since one member present holds exactly the fair share.
 */
export function balanceIndex(values: ArrayLike<number>): number | null {
  return normalizedEntropy(sortedCopy(values));
}

/**
 * Gini coefficient, Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² mean): 0 when even, rising to (n − 1)/n when one value
 * holds everything. Shown beside the balance index as the familiar inequality figure.
 * `null` when there are no values or all are zero (the mean is 0).
 */
export function gini(values: ArrayLike<number>): number | null {
  return giniOfSorted(sortedCopy(values));
}

/** The values ascending in a typed array (numeric sort); negative or NaN values count as 0. */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values, (v) => (v > 0 ? v : 0)).sort();
}

/** Over values sorted ascending, by the rank form Σ (2i − n − 1) xᵢ / (n Σx): O(n) after the sort. */
function giniOfSorted(sorted: Float64Array): number | null {
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    total += x;
    weighted += (2 * (i + 1) - n - 1) * x;
  }
  if (n === 0 || !(total > 0)) return null;
  return clamp(weighted / (n * total), 0, (n - 1) / n);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
