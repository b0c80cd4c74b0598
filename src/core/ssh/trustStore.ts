/**
 * Our own trust store: host keys the user accepted through us, in OpenSSH known_hosts format, in a file the
 * caller names. The user's known_hosts files are only ever read.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export function trustStoreLine(name: string, keyType: string, keyBlob: Buffer): string {
  if (/[\s,]/.test(name) || name === '') throw new Error(`cannot store a host key under the name ${JSON.stringify(name)}`);
  return `${name} ${keyType} ${keyBlob.toString('base64')}\n`;
}

export async function rememberHostKey(storePath: string, name: string, keyType: string, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(storePath), { recursive: true, mode: 0o700 });
  await appendFile(storePath, trustStoreLine(name, keyType, keyBlob), { mode: 0o600 });
}
