/**
 * Normalized entropy H / ln n of non-negative values, in the order given and without allocating:
 * the inner loop of both `balanceIndex` (which sorts first, for order-exact results) and the trend line
 * (which calls it once per point). Internal to participation/; the public figure is `balanceIndex`.
 */
export function normalizedEntropy(values: ArrayLike<number>): number | null {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x > 0) total += x;
  }
  if (n === 0 || !(total > 0)) return null;
  if (n === 1) return 1;
  let h = 0;
  for (let i = 0; i < n; i++) {
    // 0·ln 0 = 0; testing p rather than x also covers a tiny x whose share underflows to 0.
    const p = values[i]! / total;
    if (p > 0) h -= p * Math.log(p);
  }
  // Rounding can leave an even split a hair above 1 (or a single voice a hair below 0).
  const index = h / Math.log(n);
  return index < 0 ? 0 : index > 1 ? 1 : index;
}
