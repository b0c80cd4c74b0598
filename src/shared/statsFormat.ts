/** Number formatting shared by lvsctl's table and the webview (pure; no Node or DOM). */

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** `950`, `1.2K`, `34.5M`: three significant digits, SI prefixes (1000-based). */
export function compactNumber(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const neg = n < 0;
  let v = Math.abs(n);
  let u = 0;
  while (v >= 999.5 && u < UNITS.length - 1) { v /= 1000; u++; }
  let s: string;
  if (u === 0) s = Number.isInteger(v) ? String(v) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  else s = v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : String(Math.round(v));
  return `${neg ? '-' : ''}${s}${UNITS[u]}`;
}

/** Bytes per second: `0 B/s`, `1.52 KB/s`, `12.3 MB/s`. */
export function bytesRate(n: number): string {
  return `${compactNumber(n)}B/s`.replace(/^(\d+(?:\.\d+)?)B\/s$/, '$1 B/s').replace(/([KMGTP])B\/s$/, ' $1B/s');
}

/** Bytes: `512 B`, `3.40 MB`. */
export function bytes(n: number): string {
  return bytesRate(n).replace('/s', '');
}

/** `0.5` → `50%`, `0.123` → `12.3%`. */
export function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}
