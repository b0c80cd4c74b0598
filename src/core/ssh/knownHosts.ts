/**
 * known_hosts files (OpenSSH `sshd(8)` "SSH_KNOWN_HOSTS FILE FORMAT"): parsing, and the lookup of one host key.
 *
 * Supported: plain host pattern lists (comma separated, `*` / `?` wildcards, `!` negation, `[host]:port`),
 * hashed names (`|1|salt|hmac-sha1`), `@revoked` (always refused), `@cert-authority` (recognised and reported;
 * host certificates are not supported by this client, so such lines never make a key trusted).
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { matchPatternList } from './hostPattern';
import { fingerprintOf } from './keyFingerprint';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export type KnownHostNames =
  | { kind: 'patterns'; patterns: string[] }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostEntry {
  file: string;
  /** 1-based. */
  line: number;
  marker?: KnownHostMarker;
  names: KnownHostNames;
  keyType: string;
  keyBlob: Buffer;
}

export interface KnownHostsProblem {
  file: string;
  line: number;
  message: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  problems: KnownHostsProblem[];
}

export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/[ \t]+/);
    let marker: KnownHostMarker | undefined;
    if (fields[0].startsWith('@')) {
      const m = fields.shift() as string;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else { problems.push({ file, line, message: `unknown marker ${m}` }); return; }
    }
    if (fields.length < 3) { problems.push({ file, line, message: 'expected: hosts key-type base64-key' }); return; }
    const [hostField, keyType, keyText] = fields;
    if (/^\d+$/.test(keyType)) { problems.push({ file, line, message: 'SSH-1 RSA key line ignored' }); return; }
    const names = parseNames(hostField);
    if (!names) { problems.push({ file, line, message: `bad hashed host name ${hostField}` }); return; }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyText)) { problems.push({ file, line, message: 'key is not base64' }); return; }
    const entry: KnownHostEntry = { file, line, names, keyType, keyBlob: Buffer.from(keyText, 'base64') };
    if (marker) entry.marker = marker;
    entries.push(entry);
  });
  return { entries, problems };
}

function parseNames(field: string): KnownHostNames | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',') };
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(field);
  if (!m) return undefined;
  const salt = Buffer.from(m[1], 'base64');
  const hash = Buffer.from(m[2], 'base64');
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { kind: 'hashed', salt, hash };
}

/** The `|1|salt|hash` form of a name, as `ssh-keygen -H` writes it. */
export function hashKnownHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

export function entryMatchesName(entry: KnownHostEntry, name: string): boolean {
  if (entry.names.kind === 'patterns') return matchPatternList(name, entry.names.patterns);
  const hash = createHmac('sha1', entry.names.salt).update(name).digest();
  return hash.equals(entry.names.hash);
}

export interface PresentedKey {
  keyType: string;
  keyBlob: Buffer;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'unknown'; certAuthorityEntries: KnownHostEntry[] };

/**
 * Looks one presented host key up under the given names (first the host key alias or host name with port).
 * Order of precedence, as OpenSSH: revoked beats everything; an exact match is known; another key of the same
 * type under a matching name means the key changed; otherwise the key is unknown.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], names: readonly string[], key: PresentedKey): HostKeyCheck {
  const forHost = entries.filter((e) => names.some((n) => entryMatchesName(e, n)));
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(key.keyBlob) && forHost.includes(e));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const known = plain.find((e) => e.keyType === key.keyType && e.keyBlob.equals(key.keyBlob));
  if (known) return { status: 'known', entry: known };
  const changed = plain.find((e) => e.keyType === key.keyType);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', certAuthorityEntries: forHost.filter((e) => e.marker === 'cert-authority') };
}

/** Key types known for a host, so the client can ask the server for a key it can check (as OpenSSH orders). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const types = new Set<string>();
  for (const e of entries) if (e.marker === undefined && names.some((n) => entryMatchesName(e, n))) types.add(e.keyType);
  return [...types];
}

/** Reads and parses files; a missing file is an empty one (OpenSSH does the same). */
export async function loadKnownHosts(files: readonly string[]): Promise<ParsedKnownHosts> {
  const out: ParsedKnownHosts = { entries: [], problems: [] };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const parsed = parseKnownHosts(text, file);
    out.entries.push(...parsed.entries);
    out.problems.push(...parsed.problems);
  }
  return out;
}

export function describeEntry(e: KnownHostEntry): string {
  return `${e.file}:${e.line} (${e.keyType} ${fingerprintOf(e.keyBlob)})`;
}
