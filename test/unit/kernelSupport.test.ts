/** The kernel check (src/core/apply/kernelSupport.ts): parsing the live-state exec's kernel section, and verdicts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelProblems, kernelVersion, parseKernelInfo } from '../../src/core/apply/kernelSupport';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import type { IpvsTable } from '../../src/core/ipvs/types';

// What the lab's Debian 12 director prints (module list captured from it).
const LAB_6_1 = ['release 6.1.0-57-cloud-amd64', ...['ip_vs', 'ip_vs_dh', 'ip_vs_fo', 'ip_vs_ftp', 'ip_vs_lblc', 'ip_vs_lblcr', 'ip_vs_lc', 'ip_vs_mh', 'ip_vs_nq', 'ip_vs_ovf', 'ip_vs_pe_sip', 'ip_vs_rr', 'ip_vs_sed', 'ip_vs_sh', 'ip_vs_wlc', 'ip_vs_wrr'].map((m) => `module ${m}.ko`)].join('\n');

function table(text: string): IpvsTable {
  const r = parseRules(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.table;
}

test('parseKernelInfo: release, module files (.ko, .ko.xz), built-ins and config', () => {
  const k = parseKernelInfo('release 6.8.0-1-generic\nmodule ip_vs.ko.zst\nmodule ip_vs_twos.ko\nbuiltin ip_vs_rr.ko\nconfig CONFIG_IP_VS_IPV6=y\nconfig CONFIG_IP_VS_PROTO_SCTP=y\n');
  assert.equal(k.release, '6.8.0-1-generic');
  assert.deepEqual([...k.modules].sort(), ['ip_vs', 'ip_vs_rr', 'ip_vs_twos']);
  assert.equal(k.config.get('CONFIG_IP_VS_IPV6'), 'y');
  assert.deepEqual(kernelVersion('6.1.0-57-cloud-amd64'), [6, 1]);
  assert.equal(kernelVersion('weird'), undefined);
});

test('twos on the lab\'s 6.1 kernel: refused, naming kernel and module; what it has passes', () => {
  const k = parseKernelInfo(LAB_6_1);
  const p = kernelProblems(table('-A -t 10.0.0.1:80 -s twos\n-A -t 10.0.0.1:81 -s mh -b mh-port\n-A -t 10.0.0.1:82 -s wlc --pe sip -p 60\n'), k);
  assert.equal(p.length, 1);
  assert.equal(p[0].code, 'kernel-scheduler');
  assert.equal(p[0].service, 'tcp:10.0.0.1:80');
  assert.match(p[0].message, /scheduler twos needs the kernel module ip_vs_twos, which the director's kernel 6\.1\.0-57-cloud-amd64 does not have \(added in Linux 6\.2\)/);
});

test('GUE/GRE tunnels before 5.2, a missing pe module, IPv6/SCTP per the kernel config', () => {
  const k = parseKernelInfo('release 4.19.0-27-amd64\nmodule ip_vs.ko\nmodule ip_vs_rr.ko\nconfig CONFIG_IP_VS_IPV6=n\nconfig CONFIG_IP_VS_PROTO_SCTP=y\n');
  const p = kernelProblems(table([
    '-A -t 10.0.0.1:80 -s rr', '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 1 --tun-type gue --tun-port 6080',
    '-A -t 10.0.0.1:81 -s rr', '-a -t 10.0.0.1:81 -r 10.0.1.1:81 -i -w 1 --tun-type ipip',
    '-A -t 10.0.0.1:82 -s rr -p 60 --pe sip',
    '-A -t [2001:db8::1]:80 -s rr',
    '-A --sctp-service 10.0.0.1:3868 -s rr',
    '',
  ].join('\n')), k);
  assert.deepEqual(p.map((x) => [x.service, x.code]), [
    ['tcp:10.0.0.1:80', 'kernel-tunnel'],
    ['tcp:10.0.0.1:82', 'kernel-pe'],
    ['tcp:[2001:db8::1]:80', 'kernel-ipv6'],
  ]);
  assert.match(p[0].message, /tunnel type gue needs Linux 5\.2 or later .*4\.19\.0-27-amd64 is older/);
});

test('a director that did not show its modules: nothing is claimed', () => {
  assert.deepEqual(kernelProblems(table('-A -t 10.0.0.1:80 -s twos\n'), parseKernelInfo('release 6.1.0\n')), []);
  assert.deepEqual(kernelProblems(table('-A -t 10.0.0.1:80 -s twos\n'), undefined), []);
});
