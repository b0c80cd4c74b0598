/** Public key blobs (SSH wire format) as OpenSSH shows them: `SHA256:<base64 without padding>`. */
import { createHash } from 'node:crypto';

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a public key blob (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new Error('public key blob too short');
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) throw new Error('public key blob has no valid key type');
  return blob.subarray(4, 4 + len).toString('latin1');
}
