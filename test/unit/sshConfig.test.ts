/** Host resolution: `ssh -G` output, our ssh_config fallback reader, cluster settings on top, ProxyJump chains. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SshConfigError } from '../../src/core/ssh/errors';
import { parseProxyJump } from '../../src/core/ssh/proxyJump';
import { resolveHost } from '../../src/core/ssh/resolveHost';
import type { ResolveOptions } from '../../src/core/ssh/resolveHost';
import { resolveFromConfigFiles, tokenizeConfigLine } from '../../src/core/ssh/sshConfigFile';
import { parseSshGOutput } from '../../src/core/ssh/sshGOutput';

// Never the machine's ~/.ssh: a temp home, and always -F.
const home = mkdtempSync(join(tmpdir(), 'ssh-cfg-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
const cfg = join(home, '.ssh', 'config');
writeFileSync(join(home, '.ssh', 'conf.d', '10-web.conf'), [
  'Host web*', '  User webadmin', '  IdentityFile ~/.ssh/id_web', '',
].join('\n'));
writeFileSync(cfg, [
  '# test config',
  `Include ${home}/.ssh/conf.d/*.conf`, // ssh -G takes relative Includes from the real ~/.ssh: absolute here
  'Host node1',
  '  HostName 10.1.0.1',
  '  Port 2201',
  '  User alice',
  '  IdentityFile ~/.ssh/id_node1',
  '  IdentityFile /keys/second',
  '  ProxyJump bastion',
  '  StrictHostKeyChecking accept-new',
  `  UserKnownHostsFile ${home}/kh1 ${home}/kh2`,
  'Host node1 node2',
  '  Port 9999',
  '  User ignored-because-first-wins',
  'Host *.lan !secret.lan',
  '  User lanuser',
  'Host bastion',
  '  HostName=10.1.0.254',
  '  User "jump user"',
  'Host *',
  `  GlobalKnownHostsFile ${home}/global_kh`,
  '  ServerAliveInterval 5',
  '',
].join('\n'));
const me = userInfo().username; // ssh -G defaults User to the local user
const base: ResolveOptions = { configFile: cfg, home, localUser: me };

test('ssh -G output: lowercase keys, first value wins, identityfile accumulates', () => {
  const v = parseSshGOutput('user root\nhostname h\nidentityfile ~/.ssh/a\nidentityfile ~/.ssh/b\nport 22\nport 23\n');
  assert.deepEqual(v.get('identityfile'), ['~/.ssh/a', '~/.ssh/b']);
  assert.deepEqual(v.get('port'), ['22']);
});

for (const mode of ['ssh -G', 'fallback'] as const) {
  const opts: ResolveOptions = mode === 'ssh -G' ? base : { ...base, sshBinary: false };
  test(`${mode}: Host blocks, first value wins, IdentityFile list, known hosts files, ProxyJump resolved`, async () => {
    const r = await resolveHost('node1', {}, opts);
    assert.equal(r.source, mode === 'ssh -G' ? 'ssh -G' : 'ssh_config fallback');
    assert.equal(r.hostname, '10.1.0.1');
    assert.equal(r.port, 2201);
    assert.equal(r.user, 'alice');
    assert.deepEqual(r.identityFiles, [join(home, '.ssh', 'id_node1'), '/keys/second']);
    assert.deepEqual(r.userKnownHostsFiles, [join(home, 'kh1'), join(home, 'kh2')]);
    assert.deepEqual(r.globalKnownHostsFiles, [join(home, 'global_kh')]);
    assert.equal(r.strictHostKeyChecking, 'accept-new');
    assert.equal(r.serverAliveIntervalMs, 5000);
    assert.equal(r.jumps.length, 1);
    assert.deepEqual([r.jumps[0].hostname, r.jumps[0].user, r.jumps[0].port], ['10.1.0.254', 'jump user', 22]);
  });
  test(`${mode}: Include with a glob, wildcard and negated patterns, defaults`, async () => {
    const web = await resolveHost('web7', {}, opts);
    assert.equal(web.user, 'webadmin');
    assert.equal(web.identityFiles[0], join(home, '.ssh', 'id_web'));
    assert.equal(web.strictHostKeyChecking, 'ask');
    assert.equal((await resolveHost('a.lan', {}, opts)).user, 'lanuser');
    assert.equal((await resolveHost('secret.lan', {}, opts)).user, me);
    const n2 = await resolveHost('node2', {}, opts);
    assert.deepEqual([n2.hostname, n2.port], ['node2', 9999]);
  });
  test(`${mode}: cluster file settings win over ssh_config`, async () => {
    const r = await resolveHost('node1', {
      port: 22, user: 'root', identityFile: '~/.ssh/cluster_key', knownHostsFile: '/tmp/x_kh',
      strictHostKeyChecking: 'yes', proxyJump: 'none', sudo: true,
    }, opts);
    assert.deepEqual([r.port, r.user, r.strictHostKeyChecking, r.jumps.length, r.sudo], [22, 'root', 'yes', 0, true]);
    assert.deepEqual(r.identityFiles, [join(home, '.ssh', 'cluster_key'), join(home, '.ssh', 'id_node1'), '/keys/second']);
    assert.deepEqual(r.userKnownHostsFiles, ['/tmp/x_kh']);
    const viaHost = await resolveHost('other', { host: 'node1' }, opts);
    assert.equal(viaHost.hostname, '10.1.0.1', 'ssh.host names the ssh_config alias');
  });
  test(`${mode}: the data-plane address is used when ssh_config has no HostName`, async () => {
    const r = await resolveHost('unnamed', {}, { ...opts, fallbackAddress: '192.0.2.7' });
    assert.equal(r.hostname, '192.0.2.7');
  });
}

test('ssh -G handles Match; the fallback refuses it with a clear message', async () => {
  const m = join(home, 'match_config');
  writeFileSync(m, 'Match originalhost matched\n  User fromMatch\nHost *\n  User other\n');
  assert.equal((await resolveHost('matched', {}, { ...base, configFile: m })).user, 'fromMatch');
  await assert.rejects(resolveHost('matched', {}, { ...base, configFile: m, sshBinary: false }),
    (e: unknown) => e instanceof SshConfigError && /Match.*not supported.*ssh binary/.test(e.message) && e.message.includes(`${m}:1`));
});

test('a missing ssh binary falls back to the reader', async () => {
  const r = await resolveHost('node1', {}, { ...base, sshBinary: join(home, 'no-such-ssh') });
  assert.equal(r.source, 'ssh_config fallback');
  assert.equal(r.hostname, '10.1.0.1');
});

test('fallback: Include inside a Host block applies only to that host; -F none reads nothing', () => {
  const inc = join(home, 'inc.conf');
  const outer = join(home, 'outer.conf');
  writeFileSync(inc, 'Port 2022\n');
  writeFileSync(outer, `Host only\n  Include ${inc}\nHost *\n  Port 2023\n`);
  assert.deepEqual(resolveFromConfigFiles('only', { configFile: outer, home }).get('port'), ['2022']);
  assert.deepEqual(resolveFromConfigFiles('else', { configFile: outer, home }).get('port'), ['2023']);
  assert.equal(resolveFromConfigFiles('x', { configFile: 'none', home }).size, 0);
  writeFileSync(join(home, '.ssh', 'rel.conf'), 'User relative\n');
  const relOuter = join(home, 'rel-outer.conf');
  writeFileSync(relOuter, 'Include rel.conf\n');
  assert.deepEqual(resolveFromConfigFiles('any', { configFile: relOuter, home }).get('user'), ['relative'], 'relative to ~/.ssh');
  assert.deepEqual(tokenizeConfigLine('  IdentityFile = "/a b/c"  '), { keyword: 'identityfile', args: ['/a b/c'] });
  assert.equal(tokenizeConfigLine('   # comment'), undefined);
});

test('ProxyCommand is refused (not supported), as is a hostile alias', async () => {
  const pc = join(home, 'pc.conf');
  writeFileSync(pc, 'Host p\n  ProxyCommand nc %h %p\n');
  await assert.rejects(resolveHost('p', {}, { ...base, configFile: pc, sshBinary: false }), /ProxyCommand is not supported/);
  await assert.rejects(resolveHost('p', {}, { ...base, configFile: pc }), /ProxyCommand is not supported/);
  await assert.rejects(resolveHost('-oProxyCommand=touch /tmp/x', {}, base), /bad host name/);
});

test('ProxyJump values: user, port, IPv6, ssh:// URIs, multiple hops', () => {
  assert.deepEqual(parseProxyJump('a@b:23,c'), [{ user: 'a', host: 'b', port: 23 }, { host: 'c' }]);
  assert.deepEqual(parseProxyJump('ssh://u@[::1]:2200'), [{ user: 'u', host: '::1', port: 2200 }]);
  assert.deepEqual(parseProxyJump('none'), []);
  assert.throws(() => parseProxyJump('a@b:99999'), /bad port/);
  assert.throws(() => parseProxyJump('@b'), /cannot parse/);
});

test('a chain: the first hop keeps its own ProxyJump, later hops go through earlier ones; file hosts map to settings', async () => {
  const c = join(home, 'chain.conf');
  writeFileSync(c, 'Host target\n  ProxyJump hop1,hop2:2202\nHost hop1\n  ProxyJump hop0\nHost hop2\n  ProxyJump ignored\nHost *\n  User u\n');
  const r = await resolveHost('target', {}, {
    ...base, configFile: c, settingsFor: (n) => (n === 'hop0' ? { host: '127.0.0.9', user: 'zero' } : undefined),
  });
  assert.deepEqual(r.jumps.map((j) => `${j.user}@${j.hostname}:${j.port}`), ['zero@127.0.0.9:22', 'u@hop1:22', 'u@hop2:2202']);
  assert.ok(r.jumps.every((j) => j.jumps.length === 0));
  const loop = join(home, 'loop.conf');
  writeFileSync(loop, 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n');
  await assert.rejects(resolveHost('a', {}, { ...base, configFile: loop }), /deeper than|loop/);
});
