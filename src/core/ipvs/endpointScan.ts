/**
 * Reading listings fast: the text's bytes by position, and the common case of an endpoint, `a.b.c.d:port`
 * as ipvsadm prints it with -n, read in place (no token string, no regex, one slice for the address).
 */

/**
 * The listing's code units as bytes, at the same positions (latin1: one byte per code unit). Indexing a
 * byte array is several times cheaper than charCodeAt on the cons or sliced strings an SSH reader hands
 * over (a 10,000-line --stats parse: 7–10 → 3.5–5.5 ms, A/B in one process). A code unit above 0xFF
 * (never in ipvsadm's output) becomes 0xFF, which is neither a blank, a digit nor a separator, so such a
 * line is refused rather than misread.
 */
export function listingBytes(text: string): Uint8Array {
  const b = Buffer.from(text, 'latin1');
  if (/[^\x00-\xff]/.test(text)) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) b[i] = 0xff;
  }
  return b;
}

/** The result of the last successful scanIPv4Endpoint (one reader at a time: the parsers are synchronous). */
export const scannedEndpoint = { address: '', port: 0 };

/**
 * Reads `a.b.c.d:port` spanning exactly text[s, e), scanning `bytes` (= listingBytes(text)). Returns true
 * and fills `scannedEndpoint`, or false for anything else (IPv6, host or port names, leading zeros,
 * out-of-range parts): the caller then falls back to the general parseListedEndpoint.
 */
export function scanIPv4Endpoint(text: string, bytes: Uint8Array, s: number, e: number): boolean {
  let octets = 0;
  let value = 0;
  let digits = 0;
  let i = s;
  for (; i < e; i++) {
    const c = bytes[i];
    if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return false; // leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return false;
    } else if (c === 46 /* . */ || c === 58 /* : */) {
      if (digits === 0 || (c === 58) !== (octets === 3)) return false;
      octets++;
      value = 0;
      digits = 0;
      if (c === 58) break;
    } else {
      return false;
    }
  }
  if (octets !== 4 || i >= e) return false;
  const p0 = i + 1;
  if (p0 >= e || e - p0 > 5) return false;
  let port = 0;
  for (let j = p0; j < e; j++) {
    const c = bytes[j];
    if (c < 48 || c > 57) return false;
    if (j > p0 && port === 0) return false; // leading zero
    port = port * 10 + (c - 48);
  }
  if (port > 65535) return false;
  scannedEndpoint.address = text.slice(s, i);
  scannedEndpoint.port = port;
  return true;
}
