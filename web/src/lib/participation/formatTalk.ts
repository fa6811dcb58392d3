/** A stretch of talk in whole units people say aloud: "40 s" under a minute, else "12 min". */
export function formatTalk(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}

/** A share as a whole percentage; a share above zero never reads as "0%" (as in the nudges). */
export function formatShare(share: number): string {
  const p = Math.round(share * 100);
  return p === 0 && share > 0 ? '<1%' : `${p}%`;
}
