/**
 * The table's digest: a cheap fingerprint of a director's IPVS table that applyDirector compares, under the
 * guardian's lock, against the digest the confirmed plan was made from ("did anyone change the table since?").
 *
 * SHA-256 over lvsctl's commit generation (the first line of GENERATION_PATH, written anew by every change an
 * apply or its guardian makes) and /proc/net/ip_vs without the connection counters. Both the live read and the
 * guardian send those two (/proc/net/ip_vs costs ~0.1 s on 5,000 entries where a full ipvsadm listing costs
 * ~0.85 s) and the digest is computed here, so the director runs no awk or checksum over the table. It does not
 * see thresholds, --pe or tunnel options (not in /proc/net/ip_vs); an lvsctl apply always changes the generation.
 */
import { createHash } from 'node:crypto';

/** /proc/net/ip_vs without ActiveConn/InActConn: each real-server line as `-> ADDR:PORT FORWARD WEIGHT`. */
export function stripCounters(procText: string): string {
  let out = '';
  const lines = procText.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const f = line.split(/[ \t]+/).filter((w) => w !== '');
    out += f[0] === '->' ? `${f[0]} ${f[1] ?? ''} ${f[2] ?? ''} ${f[3] ?? ''}\n` : `${line}\n`;
  }
  return out;
}

/** The digest of a table from the generation's first line and the /proc/net/ip_vs text (empty when unreadable). */
export function tableDigest(generation: string, procText: string): string {
  return createHash('sha256').update(`gen ${generation}\n`).update(stripCounters(procText)).digest('hex');
}
