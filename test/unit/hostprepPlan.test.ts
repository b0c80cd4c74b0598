/**
 * Host preparation, pure parts: requirements from the model, decisions from captured state text, batching,
 * idempotence and teardown against a fake host that interprets the very argv the plan sends (after
 * un-quoting the batch script, so quoting is exercised too), and hostile values.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LAB_ECMP } from '../builders/birdFiles';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { hostRequirements } from '../../src/core/hostprep/hostRequirements';
import type { HostRequirements } from '../../src/core/hostprep/hostRequirements';
import { STATE_SCRIPT, parseAddrLine, parseArpingMacs, parseHostState } from '../../src/core/hostprep/hostState';
import { assertSafeRequirements, planActions, planHost } from '../../src/core/hostprep/hostPlan';
import { ifupHookContent, systemdUnitContent, SYSCTL_FILE, SYSTEMD_UNIT, SYSTEMD_WANTS } from '../../src/core/hostprep/persistence';
import { batchCommand, writeFileAction } from '../../src/core/hostprep/remoteAction';
import { runPreparation } from '../../src/core/hostprep/runHostPlan';
import type { HostRunner } from '../../src/core/ssh/remoteCommand';
import { sysctlArgName, sysctlProcPath } from '../../src/core/hostprep/sysctlNames';
import { commandLine } from '../../src/core/ssh/remoteCommand';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';

const FILE = (method: string, extra = '') => `version: 1
hosts:
  - name: lb
    address: 10.0.0.10/24
    interface: eth0
  - name: web1
    address: 10.0.0.11/24
    interface: eth0
  - name: web2
    address: 10.0.0.12/24
    interface: ens3
clusters:
  - name: web
    directors:
      - host: lb
        interface: eth0
        vipLabel: eth0:1
    services:
      - name: http
        protocol: tcp
        vip: 10.0.0.200
        port: 80
        scheduler: rr
        realServers:
          - { host: web1, port: 80, method: ${method}, weight: 1${extra} }
          - { host: web2, port: 8080, method: ${method}, weight: 1${extra} }
`;

function model(text: string): ClusterFile {
  const v = validateClusterFile(text);
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error'), []);
  return v.model;
}

// ---- a fake host that interprets the plan's argv --------------------------------------------------------

const VS_DEFAULTS: Record<string, string> = { expire_nodest_conn: '0', expire_quiescent_template: '0', conntrack: '0' };

class FakeHost {
  addrs: { dev: string; family: 'inet' | 'inet6'; address: string; prefix: number; label?: string }[] = [
    { dev: 'lo', family: 'inet', address: '127.0.0.1', prefix: 8, label: 'lo' },
  ];
  links = new Map<string, boolean>([['lo', true], ['eth0', true], ['ens3', true]]);
  modules = new Set<string>();
  sysctls = new Map<string, string>();
  files = new Map<string, string>();
  symlinks = new Set<string>();
  systemd = false;
  ifupdown = false;
  defaultVia = '10.0.0.1';
  execs = 0;

  constructor() {
    for (const dev of ['all', 'default', 'lo', 'eth0', 'ens3']) {
      for (const k of ['arp_ignore', 'arp_announce', 'rp_filter', 'send_redirects']) this.sysctls.set(`/proc/sys/net/ipv4/conf/${dev}/${k}`, k === 'send_redirects' ? '1' : '0');
    }
    this.sysctls.set('/proc/sys/net/ipv4/ip_forward', '0');
  }

  /** The parts of `before` (a snapshot) as they are now: what teardown must restore (loaded modules stay). */
  restoredView(before: string): string {
    const [addrs, links, sysctls, files, symlinks] = JSON.parse(before) as [unknown, [string, boolean][], [string, string][], unknown, unknown];
    void addrs; void files; void symlinks;
    return JSON.stringify([this.addrs, links.map(([n]) => [n, this.links.get(n)]), sysctls.map(([k]) => [k, this.sysctls.get(k)]), [...this.files].sort(), [...this.symlinks].sort()]);
  }

  snapshot(): string {
    return JSON.stringify([this.addrs, [...this.links], [...this.sysctls].sort(), [...this.files].sort(), [...this.symlinks].sort()]);
  }

  stateText(args: string[]): string {
    const out: string[] = ['@@lvs@@ addr'];
    this.addrs.forEach((a, i) => out.push(`${i + 1}: ${a.dev}    ${a.family} ${a.address}/${a.prefix} scope global ${a.family === 'inet' ? a.label ?? a.dev : ''}\\       valid_lft forever preferred_lft forever`));
    out.push('@@lvs@@ link');
    [...this.links].forEach(([n, up], i) => out.push(`${i + 1}: ${n}${n === 'tunl0' ? '@NONE' : ''}: <${up ? 'UP,LOWER_UP' : 'NOARP'}> mtu 1500`));
    out.push('@@lvs@@ modules', ...this.modules, '@@lvs@@ tools', 'ipvsadm', 'busybox', '@@lvs@@ init');
    if (this.systemd) out.push('systemd');
    if (this.ifupdown) out.push('ifupdown');
    for (const a of args) {
      const v = a.slice(2);
      if (a.startsWith('s:')) { out.push(`@@lvs@@ sysctl ${v}`); if (this.sysctls.has(v)) out.push(this.sysctls.get(v) ?? ''); }
      if (a.startsWith('f:')) {
        const c = this.files.get(v);
        out.push(`@@lvs@@ file ${v} ${c === undefined ? 'absent' : 'present'}`);
        if (c !== undefined) out.push(Buffer.from(c).toString('base64'));
      }
      if (a.startsWith('p:')) out.push(`@@lvs@@ path ${v} ${this.symlinks.has(v) || this.files.has(v) ? 'present' : 'absent'}`);
      if (a.startsWith('r:')) out.push(`@@lvs@@ route ${v}`, `${v} via ${this.defaultVia} dev eth0 src 10.0.0.11 uid 0 \\    cache`);
    }
    return `${out.join('\n')}\n`;
  }

  /** `input` gives the next line of the batch's stdin (what a write action reads). */
  exec(argv: string[], input: () => string | undefined = () => undefined): { rc: number; out: string } {
    const [cmd, ...rest] = argv;
    if (cmd === 'modprobe') {
      const m = rest[rest.length - 1];
      this.modules.add(m);
      if (m === 'ip_vs') for (const [k, v] of Object.entries(VS_DEFAULTS)) this.sysctls.set(`/proc/sys/net/ipv4/vs/${k}`, v);
      if (m === 'ipip') { this.links.set('tunl0', false); for (const k of ['rp_filter', 'arp_ignore', 'arp_announce']) this.sysctls.set(`/proc/sys/net/ipv4/conf/tunl0/${k}`, k === 'rp_filter' ? '1' : '0'); }
      return { rc: 0, out: '' };
    }
    if (cmd === 'sysctl') {
      const [name, value] = rest[rest.length - 1].split('=');
      const path = name.includes('/') ? `/proc/sys/${name}` : sysctlProcPath(name);
      if (!this.sysctls.has(path)) return { rc: 255, out: `sysctl: cannot stat ${path}: No such file or directory` };
      this.sysctls.set(path, value);
      return { rc: 0, out: '' };
    }
    if (cmd === 'ip') {
      const args = rest.filter((x) => x !== '-6');
      if (args[0] === 'link') { if (!this.links.has(args[3])) return { rc: 1, out: 'Cannot find device' }; this.links.set(args[3], args[4] === 'up'); return { rc: 0, out: '' }; }
      const [, op, cidr, , dev] = args;
      const [address, prefix] = cidr.split('/');
      const i = this.addrs.findIndex((a) => a.address === address && a.dev === dev);
      if (op === 'add') {
        if (i !== -1) return { rc: 2, out: 'RTNETLINK answers: File exists' };
        const li = args.indexOf('label');
        this.addrs.push({ dev, family: address.includes(':') ? 'inet6' : 'inet', address, prefix: Number(prefix), ...(li !== -1 ? { label: args[li + 1] } : {}) });
      } else {
        if (i === -1) return { rc: 2, out: 'RTNETLINK answers: Cannot assign requested address' };
        this.addrs.splice(i, 1);
      }
      return { rc: 0, out: '' };
    }
    if (cmd === 'sh' && rest[2] === 'lvs-write') { this.files.set(rest[3], Buffer.from(input() ?? '', 'base64').toString('utf8')); return { rc: 0, out: '' }; }
    if (cmd === 'sh' && rest[2] === 'lvs-link') { this.symlinks.add(rest[4]); return { rc: 0, out: '' }; }
    if (cmd === 'sh' && rest[2] === 'lvs-rmdir') return { rc: 0, out: '' };
    if (cmd === 'rm') { const p = rest[rest.length - 1]; this.files.delete(p); this.symlinks.delete(p); return { rc: 0, out: '' }; }
    return { rc: 127, out: `unknown ${argv.join(' ')}` };
  }
}

/** POSIX sh words of a line quoted by shellQuote: bare safe words and '…' with '\'' escapes. */
function unquote(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let w = '';
    while (i < line.length && line[i] !== ' ') {
      if (line[i] === "'") { const end = line.indexOf("'", i + 1); w += line.slice(i + 1, end); i = end + 1; } else if (line[i] === '\\') { w += line[i + 1]; i += 2; } else w += line[i++];
    }
    words.push(w);
  }
  return words;
}

function fakeRunner(hosts: Map<string, FakeHost>): HostRunner {
  return async <T>(host: string, command: RemoteCommand<T>): Promise<T> => {
    const h = hosts.get(host);
    if (!h) throw new Error(`no host ${host}`);
    h.execs++;
    const argv = [...command.argv];
    let stdout = '';
    if (argv[0] === 'sh' && argv[2] === STATE_SCRIPT) stdout = h.stateText(argv.slice(4));
    else {
      assert.equal(argv[0], 'sh');
      const parts = [...argv[2].matchAll(/out=\$\((.*?) 2>&1\); rc=\$\?; printf '%s\\n' "\$out"; echo "@@lvs-action@@ (\d+) \$rc"; \[ "\$rc" -eq 0 \] \|\| exit 0/gs)];
      assert.ok(parts.length > 0, argv[2]);
      const lines = (command.stdin === undefined ? '' : command.stdin.toString()).split('\n');
      for (const [i, m] of parts.entries()) {
        assert.equal(Number(m[2]), i);
        const r = h.exec(unquote(m[1]), () => lines.shift());
        stdout += `${r.out}\n@@lvs-action@@ ${i} ${r.rc}\n`;
        if (r.rc !== 0) break;
      }
    }
    return command.parse({ stdout, stderr: '', exitCode: 0 });
  };
}

// ---- tests ---------------------------------------------------------------------------------------------

test('requirements: DR director and real servers', () => {
  const reqs = hostRequirements(model(FILE('dr')), 'web');
  assert.deepEqual(reqs.map((r) => [r.host, r.roles]), [['lb', ['director of web']], ['web1', ['dr real server of web']], ['web2', ['dr real server of web']]]);
  const lb = reqs[0];
  assert.deepEqual(lb.modules.map((m) => m.name), ['ip_vs', 'ip_vs_rr']);
  assert.deepEqual(lb.addresses.map((a) => [a.address, a.prefix, a.dev, a.label]), [['10.0.0.200', 32, 'eth0', 'eth0:1']]);
  assert.deepEqual(lb.sysctls.map((s) => `${s.key}=${s.value}`), ['net.ipv4.vs.expire_nodest_conn=1', 'net.ipv4.vs.expire_quiescent_template=1']);
  const web2 = reqs[2];
  assert.deepEqual(web2.sysctls.map((s) => `${s.key}=${s.value}`), [
    'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.ens3.arp_ignore=1', 'net.ipv4.conf.ens3.arp_announce=2',
  ]);
  assert.deepEqual(web2.addresses.map((a) => [a.address, a.prefix, a.dev]), [['10.0.0.200', 32, 'lo']]);
});

test('requirements: NAT director forwards, NAT real servers get a route check only', () => {
  const reqs = hostRequirements(model(FILE('nat')), 'web');
  assert.ok(reqs[0].sysctls.some((s) => s.key === 'net.ipv4.ip_forward' && s.value === '1'));
  assert.ok(reqs[0].sysctls.some((s) => s.key === 'net.ipv4.conf.eth0.send_redirects' && s.value === '0'));
  assert.deepEqual(reqs[1].addresses, []);
  assert.deepEqual(reqs[1].sysctls, []);
  assert.deepEqual(reqs[1].routeChecks.map((r) => [r.target, r.expectVia]), [['192.0.2.1', ['10.0.0.10']]]);
});

test('requirements: TUN real servers get tunl0 up with the VIP, rp_filter 0, ipip', () => {
  const web1 = hostRequirements(model(FILE('tun', ', tunnel: { type: ipip }')), 'web')[1];
  assert.deepEqual(web1.modules.map((m) => m.name), ['ipip']);
  assert.deepEqual(web1.linksUp.map((l) => l.dev), ['tunl0']);
  assert.deepEqual(web1.addresses.map((a) => [a.address, a.dev]), [['10.0.0.200', 'tunl0']]);
  assert.ok(web1.sysctls.some((s) => s.key === 'net.ipv4.conf.tunl0.rp_filter' && s.value === '0'));
  assert.ok(web1.sysctls.some((s) => s.key === 'net.ipv4.conf.all.rp_filter' && s.value === '0'));
});

test('IPv6 DR: VIP /128 on lo with nodad, no ARP sysctls', () => {
  const text = FILE('dr').replace(/address: 10\.0\.0\.1(\d)\/24/g, 'addresses: [10.0.0.1$1/24, "fd00::1$1/64"]').replace('vip: 10.0.0.200', 'vip: "fd00::200"');
  const reqs = hostRequirements(model(text), 'web');
  assert.deepEqual(reqs[1].sysctls, []);
  assert.deepEqual(reqs[1].addresses.map((a) => [a.address, a.prefix, a.dev, a.nodad]), [['fd00::200', 128, 'lo', true]]);
  const plan = planHost(reqs[1], parseHostState(new FakeHost().stateText([])), { persist: false });
  assert.deepEqual(planActions(plan).slice(1).map((a) => a.description), ['ip -6 addr add fd00::200/128 dev lo nodad']);
});

test('plan from captured state: fresh DR real server, every step to change, in one batch', () => {
  const req = hostRequirements(model(FILE('dr')), 'web')[1];
  const host = new FakeHost();
  const plan = planHost(req, parseHostState(host.stateText(['f:/var/lib/vscode-lvs/hostprep.json'])), { persist: false });
  assert.deepEqual(plan.steps.map((s) => [s.id, s.status]), [
    ['record', 'change'],
    ['sysctl net.ipv4.conf.all.arp_ignore', 'change'], ['sysctl net.ipv4.conf.all.arp_announce', 'change'],
    ['sysctl net.ipv4.conf.eth0.arp_ignore', 'change'], ['sysctl net.ipv4.conf.eth0.arp_announce', 'change'],
    ['address 10.0.0.200 lo', 'change'],
  ]);
  assert.deepEqual(planActions(plan).slice(1).map((a) => a.description), [
    'sysctl -q -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -q -w net.ipv4.conf.all.arp_announce=2',
    'sysctl -q -w net.ipv4.conf.eth0.arp_ignore=1', 'sysctl -q -w net.ipv4.conf.eth0.arp_announce=2',
    'ip addr add 10.0.0.200/32 dev lo',
  ]);
  const batch = batchCommand(planActions(plan));
  assert.equal(batch.argv.length, 3);
});

test('captured state text parses: labels, ipv6, links, routes, arping replies', () => {
  assert.deepEqual(parseAddrLine('2: eth0    inet 10.116.0.200/32 scope global eth0:1\\       valid_lft forever preferred_lft forever'),
    { dev: 'eth0', family: 'inet', address: '10.116.0.200', prefix: 32, label: 'eth0:1' });
  assert.deepEqual(parseAddrLine('1: lo    inet6 fd16:116::200/128 scope global nodad \\       valid_lft forever preferred_lft forever'),
    { dev: 'lo', family: 'inet6', address: 'fd16:116::200', prefix: 128 });
  const s = parseHostState('@@lvs@@ link\n3: tunl0@NONE: <NOARP> mtu 1480 qdisc noop\n2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n@@lvs@@ route 192.0.2.1\n192.0.2.1 via 10.116.0.10 dev eth0 src 10.116.0.11 uid 0 \\    cache \n');
  assert.deepEqual([...s.links], [['tunl0', false], ['eth0', true]]);
  assert.deepEqual(s.routes.get('192.0.2.1')?.via, '10.116.0.10');
  assert.deepEqual(parseArpingMacs('ARPING 10.116.0.200 from 10.116.0.10 eth0\nUnicast reply from 10.116.0.200 [02:16:00:00:00:0B] 0.563ms\nUnicast reply from 10.116.0.200 [02:16:00:00:00:0b] 0.4ms\nSent 2 probe(s)'), ['02:16:00:00:00:0b']);
});

for (const method of ['dr', 'tun', 'nat'] as const) {
  test(`${method}: prepare → verify → rerun changes nothing → teardown restores the host exactly`, async () => {
    const m = model(FILE(method));
    const reqs = hostRequirements(m, 'web');
    const hosts = new Map(reqs.map((r) => [r.host, new FakeHost()]));
    for (const h of hosts.values()) h.ifupdown = true;
    hosts.get('web1')!.defaultVia = '10.0.0.10';
    const before = new Map([...hosts].map(([n, h]) => [n, h.snapshot()]));
    const run = fakeRunner(hosts);
    const first = await runPreparation(run, reqs, {});
    for (const r of first) {
      const expectOk = !(method === 'nat' && r.host === 'web2');
      assert.equal(r.ok, expectOk, JSON.stringify(r, null, 1));
      assert.ok(r.steps.every((s) => s.outcome !== 'failed'), JSON.stringify(r.steps));
      assert.ok(r.execs <= 3, `${r.host}: ${r.execs} execs`);
    }
    if (method === 'nat') {
      const web2 = first.find((r) => r.host === 'web2')!;
      const route = web2.steps.find((s) => s.id.startsWith('route'))!;
      assert.equal(route.outcome, 'manual');
      assert.match(route.fix ?? '', /ip route replace default via 10\.0\.0\.10/);
    }
    const afterFirst = new Map([...hosts].map(([n, h]) => [n, h.snapshot()]));
    const second = await runPreparation(run, reqs, {});
    for (const r of second) {
      assert.deepEqual(r.steps.filter((s) => s.outcome !== 'already done' && s.outcome !== 'manual'), [], r.host);
      assert.equal(r.execs, 1, 'a second run only reads');
    }
    assert.deepEqual(new Map([...hosts].map(([n, h]) => [n, h.snapshot()])), afterFirst);
    const down = await runPreparation(run, reqs, { teardown: true });
    for (const r of down) assert.ok(r.ok, JSON.stringify(r));
    for (const [n, h] of hosts) assert.equal(h.restoredView(before.get(n)!), before.get(n), n);
    assert.equal(hosts.get('lb')!.sysctls.get('/proc/sys/net/ipv4/vs/expire_nodest_conn'), '0', 'IPVS sysctl back to the kernel default');
    const again = await runPreparation(run, reqs, { teardown: true });
    for (const r of again) assert.ok(r.steps.every((s) => s.outcome === 'already done'), JSON.stringify(r.steps));
  });
}

test('teardown keeps what was there before: an operator\'s address and sysctl value survive', async () => {
  const req = hostRequirements(model(FILE('dr')), 'web')[1];
  const h = new FakeHost();
  h.addrs.push({ dev: 'lo', family: 'inet', address: '10.0.0.200', prefix: 32, label: 'lo' });
  h.sysctls.set('/proc/sys/net/ipv4/conf/all/arp_ignore', '1');
  h.sysctls.set('/proc/sys/net/ipv4/conf/eth0/arp_announce', '1');
  const run = fakeRunner(new Map([['web1', h]]));
  await runPreparation(run, [req], { persist: false });
  assert.equal(h.sysctls.get('/proc/sys/net/ipv4/conf/eth0/arp_announce'), '2');
  await runPreparation(run, [req], { teardown: true });
  assert.ok(h.addrs.some((a) => a.address === '10.0.0.200'), 'the VIP was not ours: it stays');
  assert.equal(h.sysctls.get('/proc/sys/net/ipv4/conf/all/arp_ignore'), '1');
  assert.equal(h.sysctls.get('/proc/sys/net/ipv4/conf/eth0/arp_announce'), '1', 'restored to its previous value');
  assert.equal(h.sysctls.get('/proc/sys/net/ipv4/conf/eth0/arp_ignore'), '0');
});

test('persistence: systemd unit and enable link, or an if-up.d hook, or "not persisted"', () => {
  const reqs = hostRequirements(model(FILE('tun')), 'web');
  const unit = systemdUnitContent(reqs[1]) ?? '';
  assert.match(unit, /^\[Unit\]$/m);
  assert.match(unit, /^Type=oneshot$/m);
  assert.match(unit, /^ExecStart=-\/sbin\/ip link set dev tunl0 up$/m);
  assert.match(unit, /^ExecStart=-\/sbin\/ip addr add 10\.0\.0\.200\/32 dev tunl0$/m);
  assert.match(unit, /^WantedBy=multi-user\.target$/m);
  const dir = reqs[0];
  assert.match(systemdUnitContent(dir) ?? '', /ip addr add 10\.0\.0\.200\/32 dev eth0 label eth0:1/);
  assert.match(ifupHookContent(dir) ?? '', /eth0\)\n {4}ip addr add 10\.0\.0\.200\/32 dev eth0 label eth0:1 2>\/dev\/null \|\| true/);
  const h = new FakeHost();
  h.systemd = true;
  const plan = planHost(reqs[1], parseHostState(h.stateText([])), {});
  assert.deepEqual(plan.steps.filter((s) => s.id.startsWith('file') || s.id.startsWith('enable')).map((s) => s.id),
    [`file ${SYSCTL_FILE}`, 'file /etc/modules-load.d/lvs.conf', `file ${SYSTEMD_UNIT}`, `enable ${SYSTEMD_UNIT}`]);
  assert.ok(planActions(plan).some((a) => a.description === `ln -sfn ${SYSTEMD_UNIT} ${SYSTEMD_WANTS}`));
  const none = planHost(reqs[1], parseHostState(new FakeHost().stateText([])), {});
  assert.equal(none.init, 'none');
  assert.equal(none.steps.find((s) => s.id === 'persist vips')?.status, 'manual');
  assert.equal(planHost(reqs[1], parseHostState(new FakeHost().stateText([])), { persist: false }).steps.some((s) => s.id.startsWith('file')), false);
});

test('sysctl names: interfaces with dots use the slash form', () => {
  assert.equal(sysctlProcPath('net.ipv4.conf.eth0.100.arp_ignore'), '/proc/sys/net/ipv4/conf/eth0.100/arp_ignore');
  assert.equal(sysctlArgName('net.ipv4.conf.eth0.100.arp_ignore'), 'net/ipv4/conf/eth0.100/arp_ignore');
  assert.equal(sysctlArgName('net.ipv4.conf.eth0.arp_ignore'), 'net.ipv4.conf.eth0.arp_ignore');
  assert.equal(sysctlProcPath('net.ipv4.vs.expire_nodest_conn'), '/proc/sys/net/ipv4/vs/expire_nodest_conn');
});

const HOSTILE = ['$(touch /tmp/pwned)', '`id`', 'a;b', 'a|b', "a'b", 'a b', '-rf', 'a&&b', 'a\nb', '../x', '${IFS}'];

test('hostile values: validation rejects shell metacharacters in every string field that reaches a host', () => {
  for (const bad of HOSTILE) {
    const variants = [
      FILE('dr').replace('interface: ens3', `interface: ${JSON.stringify(bad)}`),
      ...(/^[A-Za-z0-9_.-]+$/.test(bad.replace(/\//g, '')) && !bad.includes('/') ? [] : [FILE('dr').replace('vipLabel: eth0:1', `vipLabel: ${JSON.stringify(`eth0:${bad}`)}`)]),
      FILE('dr').replace('        interface: eth0\n        vipLabel', `        interface: ${JSON.stringify(bad)}\n        vipLabel`),
      FILE('dr').replace('vip: 10.0.0.200', `vip: ${JSON.stringify(bad)}`),
      FILE('dr').replace('address: 10.0.0.11/24', `address: ${JSON.stringify(bad)}`),
      FILE('dr').replace('name: web1', `name: ${JSON.stringify(bad)}`),
    ];
    for (const text of variants) {
      const v = validateClusterFile(text);
      assert.ok(v.diagnostics.some((d) => d.severity === 'error'), `accepted ${JSON.stringify(bad)}`);
    }
  }
});

test('hostile values: the plan refuses unsafe requirements even if a caller bypasses validation', () => {
  const req = hostRequirements(model(FILE('dr')), 'web')[0];
  for (const bad of HOSTILE) {
    const variants: HostRequirements[] = [
      { ...req, addresses: req.addresses.map((a) => ({ ...a, dev: bad })) },
      ...(/^[A-Za-z0-9_.-]+$/.test(bad) ? [] : [{ ...req, addresses: req.addresses.map((a) => ({ ...a, label: `eth0:${bad}` })) }]),
      { ...req, addresses: req.addresses.map((a) => ({ ...a, address: bad })) },
      { ...req, modules: [{ name: bad, why: '' }] },
      { ...req, sysctls: [{ key: `net.ipv4.conf.${bad}.arp_ignore`, value: '1', why: '' }] },
      { ...req, sysctls: [{ key: 'net.ipv4.ip_forward', value: bad, why: '' }] },
    ];
    for (const r of variants) assert.throws(() => assertSafeRequirements(r), /unsafe/, JSON.stringify(bad));
  }
});

test('hostile values: quoting carries file content through a real sh unchanged and runs nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostprep-quote-'));
  try {
    const content = `${HOSTILE.join('\n')}\n$(touch ${dir}/pwned) \`touch ${dir}/pwned2\` '"\\\n`;
    const path = join(dir, 'out.conf');
    const batch = batchCommand([writeFileAction(path, content)]);
    const out = execFileSync('sh', ['-c', commandLine(batch.argv)], { encoding: 'utf8', input: batch.stdin });
    assert.deepEqual(batch.parse({ stdout: out, stderr: '', exitCode: 0 }).map((o) => o.exitCode), [0]);
    assert.equal(readFileSync(path, 'utf8'), content);
    assert.ok(!batch.argv.join(' ').includes(HOSTILE[0]), 'the content is not an argument');
    assert.equal(existsSync(join(dir, 'pwned')), false);
    assert.equal(existsSync(join(dir, 'pwned2')), false);
    // And the state reader's arguments: a hostile path is data, not code.
    const st = execFileSync('sh', ['-c', commandLine(['sh', '-c', STATE_SCRIPT, 'lvs-state', `f:${path}`, `f:${dir}/$(touch ${dir}/pwned3)`])], { encoding: 'utf8' });
    assert.equal(parseHostState(st).files.get(path), content);
    // Sysctls read through the same script equal the kernel's files (proc files defeat byte-wise shell reads).
    const sys = '/proc/sys/net/ipv4/ip_forward';
    const st2 = execFileSync('sh', ['-c', commandLine(['sh', '-c', STATE_SCRIPT, 'lvs-state', `s:${sys}`])], { encoding: 'utf8' });
    assert.equal(parseHostState(st2).sysctls.get(sys), readFileSync(sys, 'utf8').trim());
    assert.equal(existsSync(join(dir, 'pwned3')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing action stops the batch; the step is reported failed, later ones not run', async () => {
  const req = hostRequirements(model(FILE('dr')), 'web')[1];
  const h = new FakeHost();
  h.sysctls.delete('/proc/sys/net/ipv4/conf/eth0/arp_ignore');
  const [r] = await runPreparation(fakeRunner(new Map([['web1', h]])), [req], { persist: false });
  assert.equal(r.ok, false);
  const failed = r.steps.filter((s) => s.outcome === 'failed');
  assert.deepEqual(failed.map((s) => s.id), ['sysctl net.ipv4.conf.eth0.arp_ignore', 'sysctl net.ipv4.conf.eth0.arp_announce', 'address 10.0.0.200 lo']);
  assert.match(failed[0].error ?? '', /cannot stat/);
  assert.match(failed[1].error ?? '', /not run/);
});

test('one failing host does not stop the others; dry run changes nothing', async () => {
  const reqs = hostRequirements(model(FILE('dr')), 'web');
  const hosts = new Map([['lb', new FakeHost()], ['web2', new FakeHost()]]);
  const before = hosts.get('web2')!.snapshot();
  const dry = await runPreparation(fakeRunner(hosts), reqs, { dryRun: true });
  assert.equal(dry.find((r) => r.host === 'web1')?.ok, false);
  assert.match(dry.find((r) => r.host === 'web1')?.error ?? '', /no host web1/);
  assert.ok(dry.find((r) => r.host === 'web2')?.steps.some((s) => s.outcome === 'will change'));
  assert.equal(hosts.get('web2')!.snapshot(), before);
  const real = await runPreparation(fakeRunner(hosts), reqs, { persist: false });
  assert.equal(real.find((r) => r.host === 'web2')?.ok, true);
});

test('requirements: active-active directors hold every VIP on lo and answer no ARP for it', () => {
  const reqs = hostRequirements(model(LAB_ECMP), 'lab-ecmp');
  assert.deepEqual(reqs.map((r) => [r.host, r.roles]), [
    ['director', ['director of lab-ecmp']], ['director2', ['director of lab-ecmp']], ['rs1', ['dr real server of lab-ecmp']], ['rs2', ['dr real server of lab-ecmp']],
  ]);
  for (const d of reqs.slice(0, 2)) {
    assert.deepEqual(d.modules.map((m) => m.name), ['ip_vs', 'ip_vs_mh']);
    assert.deepEqual(d.addresses.map((a) => [a.address, a.prefix, a.dev]), [['10.116.0.202', 32, 'lo']]);
    assert.deepEqual(d.sysctls.filter((s) => s.key.includes('arp')).map((s) => `${s.key}=${s.value}`), [
      'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.eth0.arp_ignore=1', 'net.ipv4.conf.eth0.arp_announce=2',
    ]);
  }
});
