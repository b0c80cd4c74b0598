/**
 * What protects the user's secrets and terminal from a hostile cluster file or host, without a network:
 * remembered secrets keyed by the real destination, prompts naming it, remote text stripped of escape
 * sequences, jump hosts of the file dialled at their address, no `..` in key and known_hosts paths.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeDestination } from '../../src/core/ssh/destination';
import { RememberedSecrets, destinationSecretKey } from '../../src/core/ssh/rememberedSecrets';
import type { SecretQuestion } from '../../src/core/ssh/rememberedSecrets';
import { resolveHost } from '../../src/core/ssh/resolveHost';
import { terminalSafe } from '../../src/core/ssh/terminalText';
import type { SshDestination } from '../../src/core/ssh/types';

const home = mkdtempSync(join(tmpdir(), 'ssh-sec-'));
after(() => rmSync(home, { recursive: true, force: true }));
const emptyConfig = join(home, 'config');
writeFileSync(emptyConfig, 'Host *\n  User u\n');

const db1: SshDestination = { user: 'root', hostname: '10.0.0.5', port: 22, name: 'db1', hostKeyFingerprint: 'SHA256:aaaa' };

test('secret keys: user, HostName, port and host key fingerprint, never the name in the file', () => {
  const key = destinationSecretKey('sudo', db1);
  assert.ok(key);
  assert.equal(destinationSecretKey('sudo', { ...db1, name: 'other' }), key, 'the name in the file plays no part');
  assert.equal(destinationSecretKey('sudo', { ...db1, hostname: '10.0.0.5'.toUpperCase() }), key);
  for (const other of [{ hostname: '10.0.0.6' }, { port: 2222 }, { user: 'admin' }, { hostKeyFingerprint: 'SHA256:bbbb' }]) {
    assert.notEqual(destinationSecretKey('sudo', { ...db1, ...other }), key, JSON.stringify(other));
  }
  assert.notEqual(destinationSecretKey('password', db1), key);
  const { hostKeyFingerprint: _, ...unverified } = db1;
  assert.equal(destinationSecretKey('sudo', unverified), undefined, 'no verified key: nothing to bind to');
  // Values that would collide if the key were a plain join.
  assert.notEqual(destinationSecretKey('sudo', { ...db1, user: 'a@b', hostname: 'c' }), destinationSecretKey('sudo', { ...db1, user: 'a', hostname: 'b@c' }));
});

test('remembered secrets: the same name pointing elsewhere is asked again and gets nothing; the real one is not asked', async () => {
  const store = new Map<string, string>();
  let index: string[] = [];
  const asked: SecretQuestion[] = [];
  const redacted: string[] = [];
  const secrets = new RememberedSecrets(
    { get: async (k) => store.get(k), store: async (k, v) => { store.set(k, v); }, delete: async (k) => { store.delete(k); } },
    { keys: () => index, update: async (k) => { index = k; } },
    async (q) => { asked.push(q); return { value: `pw${asked.length}`, remember: true }; },
    (v) => redacted.push(v),
  );
  const p = secrets.prompts();
  assert.equal(await p.sudoPassword({ host: 'db1', user: 'root', destination: db1 }), 'pw1');
  assert.match(asked[0].prompt, /root@10\.0\.0\.5:22 \("db1"\)/);
  const elsewhere = { ...db1, hostname: '10.9.9.9', hostKeyFingerprint: 'SHA256:evil' };
  assert.equal(await p.sudoPassword({ host: 'db1', user: 'root', destination: elsewhere }), 'pw2', 'asked, not handed the saved one');
  assert.match(asked[1].title, /10\.9\.9\.9/);
  // A fresh session: the saved answer for the real destination comes without a question.
  const again = new RememberedSecrets(
    { get: async (k) => store.get(k), store: async (k, v) => { store.set(k, v); }, delete: async (k) => { store.delete(k); } },
    { keys: () => index, update: async (k) => { index = k; } },
    async () => assert.fail('asked'),
  );
  assert.equal(await again.prompts().sudoPassword({ host: 'other-name', user: 'root', destination: { ...db1, name: 'other-name' } }), 'pw1');
  assert.deepEqual(redacted, ['pw1', 'pw2']);
  // Without a verified key the answer is used once and not stored.
  const { hostKeyFingerprint: _, ...unverified } = db1;
  const before = store.size;
  await p.password({ host: 'db1', user: 'root', prompt: 'Password: ', destination: unverified });
  assert.equal(asked[asked.length - 1].canRemember, false);
  assert.equal(store.size, before);
  assert.equal(await secrets.forgetAll(), 2);
  assert.equal(store.size, 0);
});

test('prompts name the real address, and the file and name when they differ', () => {
  assert.equal(describeDestination(db1), 'root@10.0.0.5:22 ("db1")');
  assert.equal(describeDestination({ ...db1, name: '10.0.0.5', source: 'lab.lvs.yaml' }), 'root@10.0.0.5:22 (in lab.lvs.yaml)');
  assert.equal(describeDestination({ ...db1, hostname: 'fd00::5', source: 'a.yaml' }), 'root@[fd00::5]:22 ("db1" in a.yaml)');
});

test('remote text loses every escape sequence and control character but tab and newline', () => {
  const cases: [string, string][] = [
    ['\x1b]0;owned\x07title', 'title'],
    ['\x1b]52;c;ZXZpbA==\x1b\\clip', 'clip'],
    ['\x1b[31mred\x1b[0m', 'red'],
    ['\x1b[2J\x1b[1;1Hcleared', 'cleared'],
    ['a\rb\bc\x00d\x7fe', 'abcde'],
    ['\x9b31mc1\x9d0;x\x9c', 'c1'],
    ['\x1bPdcs\x1b\\after', 'after'],
    ['keep\ttabs\nand lines\n', 'keep\ttabs\nand lines\n'],
    ['ünïcödé ✓', 'ünïcödé ✓'],
    ['lone \x1b', 'lone '],
  ];
  for (const [input, want] of cases) assert.equal(terminalSafe(input), want, JSON.stringify(input));
  // Linear: no backtracking blow-up on long runs of almost-sequences.
  const long = '\x1b['.repeat(50_000);
  assert.equal(terminalSafe(long).includes('\x1b'), false);
});

test('a jump host named like a host of the file is dialled at that host\'s address', async () => {
  const base = { configFile: emptyConfig, home, sshBinary: false as const };
  const r = await resolveHost('web1', { proxyJump: 'bastion' }, {
    ...base, fallbackAddress: '10.0.0.21',
    settingsFor: (n) => (n === 'bastion' ? { user: 'jump' } : undefined),
    addressFor: (n) => (n === 'bastion' ? '10.0.0.2' : undefined),
  });
  assert.deepEqual([r.hostname, r.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`)], ['10.0.0.21', ['jump@10.0.0.2:22']]);
  // ssh.host of the hop still wins over its address.
  const r2 = await resolveHost('web1', { proxyJump: 'bastion' }, { ...base, settingsFor: () => ({ host: '10.0.0.3' }), addressFor: () => '10.0.0.2' });
  assert.equal(r2.jumps[0].hostname, '10.0.0.3');
});

test('identityFile and knownHostsFile with a ".." component are refused at resolution too', async () => {
  const base = { configFile: emptyConfig, home, sshBinary: false as const };
  await assert.rejects(resolveHost('a', { identityFile: '~/.ssh/../../bob/.ssh/id_ed25519' }, base), /"\.\." component/);
  await assert.rejects(resolveHost('a', { knownHostsFile: 'x/../../known' }, base), /"\.\." component/);
  const ok = await resolveHost('a', { identityFile: '~/.ssh/id..x' }, base);
  assert.equal(ok.identityFiles[0], join(home, '.ssh', 'id..x'));
});
