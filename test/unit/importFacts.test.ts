/**
 * The import's parts on captured or constructed facts: the one-exec facts script (run for real with the
 * host role: it only reads), the facts parser, the decisions of draftFromFacts (labels, prefixes, real
 * servers not given as --host, ARP sysctls on "all" only, differing directors), sysctls, names, ssh
 * settings, rules-file commands the file cannot hold, and `lvsctl import RULES_FILE`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { SECTION_MARK } from '../../src/core/apply/liveState';
import { emptyHostState } from '../../src/core/hostprep/hostState';
import type { HostAddress } from '../../src/core/hostprep/hostState';
import { draftFromFacts } from '../../src/core/import/draftFromFacts';
import type { ImportedMachine } from '../../src/core/import/draftFromFacts';
import { draftFromRules } from '../../src/core/import/draftFromRules';
import { FACTS_SCRIPT, factsCommand, parseFacts } from '../../src/core/import/importFacts';
import type { MachineFacts } from '../../src/core/import/importFacts';
import { hostNameFor, parseDestination, serviceNameFor } from '../../src/core/import/importNames';
import { importedSsh } from '../../src/core/import/importSsh';
import { importSysctls } from '../../src/core/import/importSysctls';
import { importText } from '../../src/core/import/importText';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import type { IpvsService } from '../../src/core/ipvs/types';
import type { ResolvedHost } from '../../src/core/ssh/types';

const RULES = `-A -t 10.0.0.200:80 -s rr
-a -t 10.0.0.200:80 -r 10.0.0.11:80 -g -w 1
-a -t 10.0.0.200:80 -r 10.0.0.12:80 -g -w 1
`;

function addr(dev: string, address: string, prefix: number, label?: string): HostAddress {
  const a: HostAddress = { dev, family: address.includes(':') ? 'inet6' : 'inet', address, prefix };
  if (a.family === 'inet') a.label = label ?? dev;
  return a;
}

function directorFacts(rules: string, addresses: HostAddress[], sysctls: Record<string, number> = { expire_nodest_conn: 0, expire_quiescent_template: 0 }): MachineFacts {
  const state = emptyHostState();
  state.addresses.push(...addresses);
  return { state, table: parseRules(rules).table, ipvsSysctls: sysctls };
}

function hostFacts(addresses: HostAddress[], sysctls: Record<string, string> = {}): MachineFacts {
  const state = emptyHostState();
  state.addresses.push(...addresses);
  for (const [k, v] of Object.entries(sysctls)) state.sysctls.set(`/proc/sys/net/ipv4/conf/${k}`, v);
  return { state, ipvsSysctls: {} };
}

const machine = (name: string, facts: MachineFacts): ImportedMachine => ({ name, ssh: {}, sshComments: [], facts });

test('facts script: one constant sh script, the role its only argument; the host part runs and parses here', () => {
  const cmd = factsCommand('director');
  assert.deepEqual(cmd.argv, ['sh', '-c', FACTS_SCRIPT, 'lvs-import', 'director']);
  assert.doesNotMatch(FACTS_SCRIPT, /\$\{|`/, 'no value is spliced into the script');
  const stdout = execFileSync('sh', ['-c', FACTS_SCRIPT, 'lvs-import', 'host'], { encoding: 'utf8' });
  const facts = parseFacts('host', { stdout, stderr: '', exitCode: 0 });
  assert.ok(facts.state.addresses.some((a) => a.address === '127.0.0.1' && a.dev === 'lo'), stdout);
  assert.ok(facts.state.sysctls.has('/proc/sys/net/ipv4/conf/all/arp_ignore'));
  assert.ok(facts.state.routes.has('192.0.2.1'));
  assert.equal(facts.table, undefined);
});

test('parseFacts (director): addresses with labels, table with thresholds, IPVS sysctls also by path', () => {
  const stdout = [
    '@@lvs@@ addr',
    '2: eth0    inet 10.116.0.10/24 brd 10.116.0.255 scope global eth0\\       valid_lft forever preferred_lft forever',
    '2: eth0    inet 10.116.0.200/24 scope global secondary eth0:1\\       valid_lft forever preferred_lft forever',
    '@@lvs@@ sysctl /proc/sys/net/ipv4/ip_forward', '1',
    '@@lvs@@ end',
    `${SECTION_MARK} save`, '-A -t 10.116.0.200:80 -s rr', '-a -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 1', `${SECTION_MARK}-rc save 0`,
    `${SECTION_MARK} thresholds`,
    'IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn',
    '  -> RemoteAddress:Port', 'TCP  10.116.0.200:80 rr', '  -> 10.116.0.11:80                200        20         0          0',
    `${SECTION_MARK}-rc thresholds 0`,
    `${SECTION_MARK} list`, 'IP Virtual Server version 1.2.1 (size=4096)', `${SECTION_MARK}-rc list 0`,
    `${SECTION_MARK} timeout`, 'Timeout (tcp tcpfin udp): 3600 120 300', `${SECTION_MARK}-rc timeout 0`,
    `${SECTION_MARK} daemon`, 'master sync daemon (mcast=eth0, syncid=7)', `${SECTION_MARK}-rc daemon 0`,
    `${SECTION_MARK} sysctl`, '/proc/sys/net/ipv4/vs/expire_nodest_conn:0', `${SECTION_MARK}-rc sysctl 0`,
    `${SECTION_MARK} end`, '',
  ].join('\n');
  const f = parseFacts('director', { stdout, stderr: '', exitCode: 0 });
  assert.deepEqual(f.state.addresses.map((a) => [a.address, a.prefix, a.label]), [['10.116.0.10', 24, 'eth0'], ['10.116.0.200', 24, 'eth0:1']]);
  assert.deepEqual(f.table?.services[0].realServers.map((r) => [r.upperThreshold, r.lowerThreshold]), [[200, 20]]);
  assert.deepEqual(f.ipvsSysctls, { expire_nodest_conn: 0 });
  assert.equal(f.state.sysctls.get('/proc/sys/net/ipv4/vs/expire_nodest_conn'), '0');
  assert.equal(f.state.sysctls.get('/proc/sys/net/ipv4/ip_forward'), '1');
  assert.deepEqual(f.timeouts, { tcp: 3600, tcpFin: 120, udp: 300 });
  assert.deepEqual(f.daemons, [{ state: 'master', mcastInterface: 'eth0', syncId: 7, settings: {} }]);
  // What the file cannot hold is a warning and a comment on the director.
  const draft = draftFromFacts({ directors: [machine('lvs', f)], hosts: [], header: [] });
  const text = importText(draft).text;
  for (const w of [
    "lvs's connection timeouts are tcp 3600 s, tcpfin 120 s, udp 300 s (kernel defaults 900 120 300): not part of a cluster file; keep them with ipvsadm --set 3600 120 300",
    'lvs runs a master connection sync daemon (mcast=eth0, syncid=7): not part of a cluster file; keep it with ipvsadm --start-daemon master --mcast-interface eth0 --syncid 7',
  ]) {
    assert.ok(draft.warnings.includes(w), draft.warnings.join('\n'));
    assert.ok(text.includes(`# ${w}`), text);
  }
});

test('draft from facts: label and /24 of the VIP, a real server not given as --host, ARP on "all" only', () => {
  const director = directorFacts(RULES, [addr('eth0', '10.0.0.10', 24), addr('eth0', '10.0.0.200', 24, 'eth0:1'), addr('eth0', '10.0.0.50', 32, 'eth0:2')]);
  const rs1 = hostFacts([addr('lo', '127.0.0.1', 8), addr('lo', '10.0.0.200', 32), addr('eth0', '10.0.0.11', 24)], { 'all/arp_ignore': '1', 'all/arp_announce': '2', 'eth0/arp_ignore': '0', 'eth0/arp_announce': '0' });
  const facts = new Map([['lvs', director], ['rs1', rs1]]);
  const draft = draftFromFacts({ directors: [machine('lvs', director)], hosts: [machine('rs1', rs1)], header: ['test'] });
  const result = importText(draft, facts);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), [], result.text);
  const model = validateClusterFile(result.text).model;
  assert.equal(renderRules(desiredTable(model, 'lvs')), RULES);
  assert.deepEqual(model.clusters[0].directors.map((d) => [d.host, d.interface, d.vipLabel]), [['lvs', 'eth0', 'eth0:1']]);
  assert.deepEqual(model.hosts.map((h) => [h.name, h.addresses, h.interface, h.prefixLengths]), [
    ['lvs', ['10.0.0.10'], 'eth0', { '10.0.0.10': 24 }], ['rs1', ['10.0.0.11'], undefined, undefined],
  ]);
  assert.deepEqual(model.clusters[0].services[0].realServers.map((r) => r.host ?? r.address), ['rs1', '10.0.0.12']);
  assert.match(result.text, /# 10\.0\.0\.12 was not given as --host: method from the table, its host preparation unknown\n\s+- \{ address: 10\.0\.0\.12/);
  assert.match(result.text, /# arp_ignore=1 \/ arp_announce=2 are set on "all" only/);
  const warnings = draft.warnings.join('\n');
  assert.match(warnings, /VIP 10\.0\.0\.200\/24 on eth0 \(label eth0:1\) of lvs: the file holds no prefix/);
  assert.match(warnings, /lvs also holds 10\.0\.0\.50\/32 on eth0 \(label eth0:2\), no VIP of an imported service: not in the file/);
  assert.match(warnings, /prepare reports on lvs \(manual\): 10\.0\.0\.200\/32 on eth0 \(label eth0:1\) \(present as \/24/);
  assert.ok(!warnings.includes('prepare would change on rs1'), warnings);
  for (const w of draft.warnings) assert.ok(result.text.includes(`# ${w.replace(/^[^:]+: (?=ssh)/, '')}`) || result.text.includes(w), `warning not in the file: ${w}`);
  assert.deepEqual(draft.notes, ['10.0.0.12 was not given as --host: method from the table, its host preparation unknown']);
});

test('draft from facts: a service that differs between two directors → one cluster per director set; a standby without the VIP is warned about', () => {
  const shared = '-A -t 10.0.0.200:443 -s wlc\n-a -t 10.0.0.200:443 -r 10.0.0.11:443 -g -w 1\n';
  const a = directorFacts(`${RULES}${shared}`, [addr('eth0', '10.0.0.10', 24), addr('eth0', '10.0.0.200', 32)]);
  const b = directorFacts(`${RULES.replace('-r 10.0.0.12:80 -g -w 1', '-r 10.0.0.12:80 -g -w 5')}${shared}`, [addr('eth0', '10.0.0.13', 24)], { expire_nodest_conn: 1, expire_quiescent_template: 1 });
  const draft = draftFromFacts({ directors: [machine('lvs1', a), machine('lvs2', b)], hosts: [], header: [] });
  const result = importText(draft, new Map([['lvs1', a], ['lvs2', b]]));
  const model = validateClusterFile(result.text).model;
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), [], result.text);
  assert.deepEqual(model.clusters.map((c) => [c.name, c.directors.map((d) => d.host), c.services.map((s) => s.name)]), [
    ['lvs1', ['lvs1'], ['http']], ['lvs1-lvs2', ['lvs1', 'lvs2'], ['https']], ['lvs2', ['lvs2'], ['http']],
  ]);
  assert.equal(model.clusters[2].services[0].realServers[1].weight, 5);
  assert.ok(draft.notes.includes('service -t 10.0.0.200:80 differs between directors lvs1 and lvs2: imported once per director set'), draft.notes.join('\n'));
  assert.ok(draft.warnings.some((w) => w.startsWith('VIP 10.0.0.200 is not on lvs2 (a standby director')), draft.warnings.join('\n'));
  assert.ok(draft.warnings.some((w) => w.startsWith('the IPVS sysctls of lvs2 differ from lvs1')), draft.warnings.join('\n'));
});

test('draft from facts: a NAT real server behind two director sets is an error the import reports (LVS033), not a file', () => {
  const nat = '-A -t 10.0.0.200:80 -s rr\n-a -t 10.0.0.200:80 -r 10.0.0.11:8080 -m -w 1\n';
  const a = directorFacts(nat, [addr('eth0', '10.0.0.10', 24), addr('eth0', '10.0.0.200', 32)]);
  const b = directorFacts(nat.replace('-w 1', '-w 2'), [addr('eth0', '10.0.0.13', 24), addr('eth0', '10.0.0.200', 32)]);
  const result = importText(draftFromFacts({ directors: [machine('lvs1', a), machine('lvs2', b)], hosts: [], header: [] }));
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code), ['LVS033']);
});

test('sysctls: the file\'s defaults stated when the director differs; kernel defaults left out; memory-sized ones commented', () => {
  const r = importSysctls({ expire_nodest_conn: 0, expire_quiescent_template: 1, conn_reuse_mode: 1, sloppy_tcp: 1, sync_qlen_max: 7251, debug_level: 0 }, 'lvs');
  assert.deepEqual(r.sysctls, { expire_nodest_conn: 0, sloppy_tcp: 1 });
  assert.deepEqual(r.comments, ['net.ipv4.vs.sync_qlen_max is 7251 on lvs (the kernel sizes its default from memory): not written; add it here to manage it']);
  assert.deepEqual(r.warnings, []);
  const bad = importSysctls({ conntrack: 2 }, 'lvs');
  assert.deepEqual(bad.sysctls, {});
  assert.match(bad.warnings[0], /net\.ipv4\.vs\.conntrack is 2 on lvs, which the cluster file cannot hold/);
  assert.match(importSysctls({}, 'lvs').warnings[0], /no net\.ipv4\.vs\.\* sysctls could be read on lvs/);
});

test('names: destinations as ssh takes them, host names from them, services after well-known ports', () => {
  assert.deepEqual(parseDestination('root@lvs1.example.net'), { host: 'lvs1.example.net', user: 'root' });
  assert.deepEqual(parseDestination('ssh://admin@[fd00::1]:2222'), { host: 'fd00::1', user: 'admin', port: 2222 });
  assert.deepEqual(parseDestination('director'), { host: 'director' });
  assert.equal(parseDestination('-oProxyCommand=x'), undefined);
  assert.equal(parseDestination('a b'), undefined);
  assert.equal(hostNameFor('fd00::1'), 'fd00-1');
  assert.equal(hostNameFor('10.0.0.3'), '10.0.0.3');
  const taken = new Set<string>();
  const svc = (text: string): IpvsService => parseRules(text).table.services[0];
  assert.equal(serviceNameFor(svc('-A -t 10.0.0.1:443 -s rr\n'), taken), 'https');
  assert.equal(serviceNameFor(svc('-A -t [fd00::1]:443 -s rr\n'), taken), 'https-v6');
  assert.equal(serviceNameFor(svc('-A -t 10.0.0.2:443 -s rr\n'), taken), 'https-2');
  assert.equal(serviceNameFor(svc('-A -u 10.0.0.1:9999 -s rr\n'), taken), 'udp-9999');
  assert.equal(serviceNameFor(svc('-A -f 7 -s rr\n'), taken), 'fwmark-7');
});

test('ssh settings: the destination kept without --ssh-config; the resolved values with it', () => {
  const resolved: ResolvedHost = {
    alias: 'director', hostname: '127.0.0.1', port: 2210, user: 'root', identityFiles: ['/lab/id_ed25519'], identitiesOnly: true,
    userKnownHostsFiles: ['/lab/known_hosts'], globalKnownHostsFiles: ['/dev/null'], strictHostKeyChecking: 'yes', jumps: [],
    serverAliveIntervalMs: 15000, serverAliveCountMax: 3, sudo: false, source: 'ssh -G',
  };
  assert.deepEqual(importedSsh('director', { host: 'director' }, resolved, undefined, '/root').ssh, {});
  assert.deepEqual(importedSsh('lvs1', { host: 'lvs1.example.net', user: 'admin' }, resolved, undefined, '/root').ssh, { host: 'lvs1.example.net', user: 'admin' });
  const explicit = importedSsh('director', { host: 'director' }, resolved, 'lab/out/ssh_config', '/root');
  assert.deepEqual(explicit.ssh, { host: '127.0.0.1', port: 2210, user: 'root', identityFile: '/lab/id_ed25519', knownHostsFile: '/lab/known_hosts', strictHostKeyChecking: 'yes' });
  assert.deepEqual(explicit.warnings, []);
  const defaults = importedSsh('d', { host: 'd' }, { ...resolved, port: 22, identitiesOnly: false, identityFiles: ['/root/.ssh/id_rsa', '/root/.ssh/id_ed25519'], userKnownHostsFiles: ['/root/.ssh/known_hosts'], strictHostKeyChecking: 'ask', hostKeyAlias: 'lvs' }, 'cfg', '/root');
  assert.deepEqual(defaults.ssh, { host: '127.0.0.1', user: 'root' });
  assert.match(defaults.warnings[0], /HostKeyAlias lvs has no key in the file/);
});

test('rules: --set and --start-daemon are kept as comments and warnings; rules with errors are refused', () => {
  const r = draftFromRules(`${RULES}--set 900 120 300\n--start-daemon master --mcast-interface eth0\n`, { cluster: 'web' });
  assert.ok(r.ok);
  assert.equal(r.draft.warnings.length, 2);
  assert.match(r.draft.warnings[0], /"--set 900 120 300" \(connection timeouts\) is not part of a cluster file/);
  const text = importText(r.draft).text;
  assert.match(text, /# "--start-daemon master --mcast-interface eth0" \(connection sync daemon\)/);
  const bad = draftFromRules('-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g\n');
  assert.ok(!bad.ok);
  assert.ok(bad.diagnostics.length > 0);
});

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lvsctl-import-'));
  writeFileSync(join(dir, 'web.ipvsadm'), RULES);
  writeFileSync(join(dir, 'bad.ipvsadm'), '-a -t 10.0.0.1:80 -r 10.0.0.11:80 -g\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir });
  return { code, stdout, stderr };
}

test('lvsctl import RULES_FILE: writes a valid file named after the rules; refuses to overwrite; usage errors', async () => {
  const r = await run('import', 'web.ipvsadm', '-o', 'web.lvs.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote web\.lvs\.yaml \(1 cluster, 1 host, 0 warnings\)/);
  assert.match(r.stderr, /note: assumed: a rules file names no director/);
  const v = await run('validate', 'web.lvs.yaml');
  assert.equal(v.code, 0, v.stdout);
  assert.match(readFileSync(join(dir, 'web.lvs.yaml'), 'utf8'), /- name: web\n/);
  assert.equal((await run('plan', 'web.lvs.yaml', '--live', 'web.ipvsadm', '--detailed-exitcode')).code, 0, 'the imported file plans nothing against its rules');
  const again = await run('import', 'web.ipvsadm', '-o', 'web.lvs.yaml');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /web\.lvs\.yaml exists; nothing was written \(--force overwrites it\)/);
  assert.equal((await run('import', 'web.ipvsadm', '-o', 'web.lvs.yaml', '--force')).code, 0);
  const stdout = await run('import', 'web.ipvsadm', '--cluster', 'front');
  assert.match(stdout.stdout, /^# Imported by lvsctl import from web\.ipvsadm\./);
  assert.match(stdout.stdout, /- name: front\n/);
  const bad = await run('import', 'bad.ipvsadm');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad\.ipvsadm:1:\d+: error IPVSADM\d+/);
  assert.equal((await run('import', 'nope.ipvsadm')).code, 2);
  assert.equal((await run('import')).code, 2);
  assert.equal((await run('import', 'web.ipvsadm', '--director', 'lvs1')).code, 2);
  assert.match((await run('import', '--director=-oProxyCommand=x')).stderr, /is no ssh destination/);
  assert.match((await run('import', '--help')).stdout, /^Usage: lvsctl import --director DEST/);
});

test('lvsctl import --director: a host that cannot be reached is named with its error, nothing is written (exit 4)', async () => {
  writeFileSync(join(dir, 'empty_ssh_config'), '');
  const r = await run('import', '--director', 'ssh://root@127.0.0.1:1', '--ssh-config', 'empty_ssh_config', '-o', 'never.lvs.yaml', '--trust-store', join(dir, 'trust'));
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /lvsctl import: 127\.0\.0\.1 \(ssh:\/\/root@127\.0\.0\.1:1\): .*(refused|ECONNREFUSED)/i);
  assert.match(r.stderr, /nothing was written/);
  assert.equal((await run('import', '--director', 'lvs1', '--ssh-config', 'missing_config')).code, 2);
});
