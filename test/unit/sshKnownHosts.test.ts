/** known_hosts parsing and lookup, host patterns, and the host key policy (against temp files only). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { HostKeyError } from '../../src/core/ssh/errors';
import { knownHostsName, matchPattern, matchPatternList } from '../../src/core/ssh/hostPattern';
import { preferredHostKeyAlgorithms, unknownKeyAction, verifyHostKey } from '../../src/core/ssh/hostKeyVerifier';
import { fingerprintOf, keyTypeOfBlob } from '../../src/core/ssh/keyFingerprint';
import { checkHostKey, entryMatchesName, hashKnownHostName, parseKnownHosts } from '../../src/core/ssh/knownHosts';
import type { ResolvedHost } from '../../src/core/ssh/types';

const dir = mkdtempSync(join(tmpdir(), 'ssh-kh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A real public key made by ssh-keygen: [type, base64, blob]. */
function makeKey(name: string, type = 'ed25519'): { type: string; b64: string; blob: Buffer } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', path]);
  const [t, b64] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  return { type: t, b64, blob: Buffer.from(b64, 'base64') };
}
const k1 = makeKey('k1');
const k2 = makeKey('k2');
const k3 = makeKey('k3', 'ecdsa');

test('host patterns: wildcards, negation, case', () => {
  assert.ok(matchPattern('web1.example.com', '*.example.com'));
  assert.ok(matchPattern('web1', 'web?'));
  assert.ok(!matchPattern('web10', 'web?'));
  assert.ok(matchPattern('WEB1', 'web1'));
  assert.ok(matchPattern('', '*'));
  assert.ok(matchPattern('* ', '*'), 'a literal star in the text is matched by the wildcard (found by fast-check)');
  assert.ok(matchPatternList('a.lan', ['*.lan', '!b.lan']));
  assert.ok(!matchPatternList('b.lan', ['*.lan', '!b.lan']));
  assert.ok(!matchPatternList('b.lan', ['!b.lan']), 'a negation alone matches nothing');
  assert.equal(knownHostsName('10.0.0.1', 22), '10.0.0.1');
  assert.equal(knownHostsName('10.0.0.1', 2222), '[10.0.0.1]:2222');
});

test('property: a pattern without wildcards matches only itself; * matches everything', () => {
  fc.assert(fc.property(fc.string().filter((s) => !/[*?]/.test(s)), fc.string(), (a, b) => {
    assert.equal(matchPattern(b, a), a.toLowerCase() === b.toLowerCase());
    assert.ok(matchPattern(b, '*'));
    assert.ok(matchPattern(a + b, `${a}*`));
  }));
});

test('parses plain, list, port, revoked and cert-authority lines; reports bad ones', () => {
  const text = [
    '# comment', '',
    `web1,10.0.0.1 ${k1.type} ${k1.b64}`,
    `[10.0.0.2]:2222 ${k2.type} ${k2.b64} some comment`,
    `@revoked * ${k3.type} ${k3.b64}`,
    `@cert-authority *.lan ${k1.type} ${k1.b64}`,
    `@bogus x ${k1.type} ${k1.b64}`,
    'onlyhost',
    '|1|bad|hash ssh-ed25519 AAAA',
    'h 1024 35 12345',
  ].join('\n');
  const { entries, problems } = parseKnownHosts(text, '/f');
  assert.equal(entries.length, 4);
  assert.deepEqual(entries.map((e) => [e.line, e.marker ?? '-']), [[3, '-'], [4, '-'], [5, 'revoked'], [6, 'cert-authority']]);
  assert.deepEqual(problems.map((p) => p.line), [7, 8, 9, 10]);
  assert.ok(entryMatchesName(entries[0], '10.0.0.1'));
  assert.ok(entryMatchesName(entries[1], '[10.0.0.2]:2222'));
  assert.ok(!entryMatchesName(entries[1], '10.0.0.2'), 'a port entry does not match port 22');
  assert.equal(keyTypeOfBlob(k1.blob), 'ssh-ed25519');
  assert.match(fingerprintOf(k1.blob), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('hashed entries written by ssh-keygen -H match, and our HMAC agrees', () => {
  const file = join(dir, 'hashed_known_hosts');
  writeFileSync(file, `host1.lan ${k1.type} ${k1.b64}\n[127.0.0.1]:2200 ${k2.type} ${k2.b64}\n`);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', file]);
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('host1.lan') && text.startsWith('|1|'));
  const { entries } = parseKnownHosts(text, file);
  assert.equal(entries.length, 2);
  assert.ok(entryMatchesName(entries[0], 'host1.lan'));
  assert.ok(entryMatchesName(entries[0], 'HOST1.lan') === false, 'hashed names are exact, as in OpenSSH');
  assert.ok(entryMatchesName(entries[1], '[127.0.0.1]:2200'));
  assert.ok(!entryMatchesName(entries[1], '127.0.0.1'));
  const names = entries[0].names;
  assert.ok(names.kind === 'hashed');
  assert.equal(hashKnownHostName('host1.lan', names.salt), text.split(' ')[0]);
  // The RFC 2202 HMAC-SHA1 test case 2 vector, through our function.
  const v = hashKnownHostName('what do ya want for nothing?', Buffer.from('Jefe'));
  assert.equal(Buffer.from(v.split('|')[3], 'base64').toString('hex'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
});

test('lookup: known, changed (same type, other key), other type unknown, revoked wins, cert-authority only', () => {
  const text = [
    `h1 ${k1.type} ${k1.b64}`,
    `h2 ${k1.type} ${k1.b64}`,
    `h2 ${k2.type} ${k2.b64}`,
    `@revoked h3 ${k2.type} ${k2.b64}`,
    `h3 ${k2.type} ${k2.b64}`,
    `@cert-authority *.ca ${k1.type} ${k1.b64}`,
    `*.lan,!bad.lan ${k3.type} ${k3.b64}`,
  ].join('\n');
  const { entries } = parseKnownHosts(text, '/kh');
  const ed = (k: typeof k1) => ({ keyType: k.type, keyBlob: k.blob });
  assert.equal(checkHostKey(entries, ['h1'], ed(k1)).status, 'known');
  const changed = checkHostKey(entries, ['h1'], ed(k2));
  assert.equal(changed.status, 'changed');
  assert.equal(changed.status === 'changed' && changed.entry.line, 1);
  assert.equal(checkHostKey(entries, ['h2'], ed(k2)).status, 'known', 'any matching line of the type is enough');
  assert.equal(checkHostKey(entries, ['h1'], ed(k3)).status, 'unknown', 'a new key type is unknown, not changed');
  assert.equal(checkHostKey(entries, ['h3'], ed(k2)).status, 'revoked');
  const ca = checkHostKey(entries, ['x.ca'], ed(k1));
  assert.ok(ca.status === 'unknown' && ca.certAuthorityEntries.length === 1);
  assert.equal(checkHostKey(entries, ['a.lan'], ed(k3)).status, 'known');
  assert.equal(checkHostKey(entries, ['bad.lan'], ed(k3)).status, 'unknown');
});

function hostWith(over: Partial<ResolvedHost>): ResolvedHost {
  return {
    alias: 'node1', hostname: '127.0.0.1', port: 2222, user: 'root', identityFiles: [], identitiesOnly: false,
    userKnownHostsFiles: [], globalKnownHostsFiles: [], strictHostKeyChecking: 'ask', jumps: [],
    serverAliveIntervalMs: 0, serverAliveCountMax: 3, sudo: false, source: 'ssh -G', ...over,
  };
}

test('policy: StrictHostKeyChecking decides what an unknown key does', () => {
  assert.equal(unknownKeyAction('yes'), 'refuse');
  assert.equal(unknownKeyAction('ask'), 'ask');
  assert.equal(unknownKeyAction('accept-new'), 'accept');
  assert.equal(unknownKeyAction('no'), 'accept');
  assert.deepEqual(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.equal(preferredHostKeyAlgorithms([])[0], 'ssh-ed25519');
});

test('verify: ask → stored in our trust store, never in the user known_hosts; changed → both fingerprints and file:line', async () => {
  const userKh = join(dir, 'user_known_hosts');
  const store = join(dir, 'store', 'trusted_hosts');
  writeFileSync(userKh, `# mine\n[127.0.0.1]:2222 ${k1.type} ${k1.b64}\n`);
  const host = hostWith({ userKnownHostsFiles: [userKh], hostname: '127.0.0.2' });
  const asked: unknown[] = [];
  await verifyHostKey({ host, trustStorePath: store, prompts: { confirmHostKey: async (q) => { asked.push(q); return true; } } }, k2.blob);
  assert.deepEqual(asked, [{ host: 'node1', port: 2222, keyType: k2.type, fingerprint: fingerprintOf(k2.blob), destination: { user: 'root', hostname: '127.0.0.2', port: 2222, name: 'node1' } }]);
  assert.equal(readFileSync(store, 'utf8'), `[127.0.0.2]:2222 ${k2.type} ${k2.b64}\n`);
  assert.equal(readFileSync(userKh, 'utf8'), `# mine\n[127.0.0.1]:2222 ${k1.type} ${k1.b64}\n`);
  // Second time: known from the store, no question.
  await verifyHostKey({ host, trustStorePath: store, prompts: { confirmHostKey: async () => assert.fail('asked again') } }, k2.blob);

  const changedHost = hostWith({ userKnownHostsFiles: [userKh] });
  await assert.rejects(
    verifyHostKey({ host: { ...changedHost, strictHostKeyChecking: 'no' }, trustStorePath: store, prompts: {} }, k2.blob),
    (err: unknown) => {
      assert.ok(err instanceof HostKeyError);
      assert.equal(err.reason, 'changed');
      assert.equal(err.knownAt, `${userKh}:2`);
      assert.ok(err.message.includes(fingerprintOf(k1.blob)) && err.message.includes(fingerprintOf(k2.blob)));
      assert.ok(err.message.includes(`${userKh}:2`));
      return true;
    });
});

test('verify: yes refuses unknown, ask without answer refuses, accept-new stores, revoked refused under no', async () => {
  const store = join(dir, 'store2');
  const h = hostWith({ hostname: '127.0.0.3', port: 22 });
  await assert.rejects(verifyHostKey({ host: { ...h, strictHostKeyChecking: 'yes' }, trustStorePath: store, prompts: {} }, k1.blob),
    (e: unknown) => e instanceof HostKeyError && e.reason === 'unknown');
  await assert.rejects(verifyHostKey({ host: h, trustStorePath: store, prompts: { confirmHostKey: async () => false } }, k1.blob),
    (e: unknown) => e instanceof HostKeyError && e.reason === 'declined');
  await verifyHostKey({ host: { ...h, strictHostKeyChecking: 'accept-new' }, trustStorePath: store, prompts: {} }, k1.blob);
  assert.equal(readFileSync(store, 'utf8'), `127.0.0.3 ${k1.type} ${k1.b64}\n`);
  const revokedFile = join(dir, 'revoked_kh');
  writeFileSync(revokedFile, `@revoked * ${k3.type} ${k3.b64}\n`);
  await assert.rejects(
    verifyHostKey({ host: { ...h, strictHostKeyChecking: 'no', globalKnownHostsFiles: [revokedFile] }, trustStorePath: store, prompts: {} }, k3.blob),
    (e: unknown) => e instanceof HostKeyError && e.reason === 'revoked' && e.message.includes(`${revokedFile}:1`));
});

test('verify: HostKeyAlias is the name looked up and stored', async () => {
  const store = join(dir, 'store3');
  const h = hostWith({ hostKeyAlias: 'stable-name', strictHostKeyChecking: 'accept-new' });
  await verifyHostKey({ host: h, trustStorePath: store, prompts: {} }, k1.blob);
  assert.equal(readFileSync(store, 'utf8'), `[stable-name]:2222 ${k1.type} ${k1.b64}\n`);
});
