/**
 * lvsctl doctor on the real IPVS lab: a prepared DR cluster has no error finding; each provoked fault is found
 * with its host and code: an iptables DROP for VIP:80 on rs1, a missed arp_ignore on rs2 (also seen as a
 * second MAC answering ARP), a real server not listening, the VIP on rs1's eth0 without arp_ignore, rp_filter=1
 * on a TUN real server, ipvsadm and the ip_vs module missing on the director.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Finding } from '../../src/core/doctor/finding';
import { labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';
import type { LabCli } from '../support/labCli';

const VIP = LAB_ADDR.vip;
const skip = labSkipReason();
let cli: LabCli;

async function prepare(file: string): Promise<void> {
  const r = await lvsctl(['prepare', file, '--cluster', 'lab-web', '--no-persist', ...cli.trustArgs()]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
}

async function doctor(file: string): Promise<{ code: number; findings: Finding[]; errors: string[] }> {
  const r = await lvsctl(['doctor', file, '--cluster', 'lab-web', '--no-persist', '--json', ...cli.trustArgs()]);
  const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  return { code: r.code, findings, errors: findings.filter((f) => f.severity === 'error').map((f) => `${f.host} ${f.code}`) };
}

describe('lvsctl doctor on the lab', { skip }, () => {
  cli = labCliSuite('doctor');

  test('DR: clean after prepare; then firewall DROP, missed arp_ignore, RS not listening, VIP on a RS LAN interface', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('dr');
      await prepare(file);
      await labRun('director', `ipvsadm -A -t ${VIP}:80 -s rr && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g`);
      const clean = await doctor(file);
      assert.deepEqual(clean.errors, [], JSON.stringify(clean.findings, null, 1));
      assert.equal(clean.code, 0);

      const rule = `INPUT -d ${VIP}/32 -p tcp --dport 80 -j DROP`;
      await labRun('rs1', `iptables -A ${rule}`);
      const fw = await doctor(file);
      assert.deepEqual(fw.errors, ['rs1 firewall-drop']);
      assert.equal(fw.code, 1);
      await labRun('rs1', `iptables -D ${rule}`);

      await labRun('rs2', 'sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.eth0.arp_ignore=0');
      const arp = await doctor(file);
      assert.deepEqual(arp.errors.sort(), ['director arp-other-answers', 'rs2 prep-sysctl', 'rs2 prep-sysctl']);
      assert.match(arp.findings.find((f) => f.code === 'arp-other-answers')?.title ?? '', /02:16:00:00:00:0c/);
      await labRun('rs2', 'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.eth0.arp_ignore=1');

      await labRun('rs2', 'kill $(pidof busybox httpd 2>/dev/null || ps -o pid,args | awk \'/busybox httpd -p 80/ && !/awk/ {print $1}\')');
      const down = await doctor(file);
      assert.deepEqual(down.errors, ['rs2 rs-not-listening']);

      await labRun('rs1', `sysctl -qw net.ipv4.conf.all.arp_ignore=0 net.ipv4.conf.eth0.arp_ignore=0 && ip addr add ${VIP}/32 dev eth0`);
      const stray = await doctor(file);
      assert.deepEqual(stray.errors.sort(), ['director arp-other-answers', 'rs1 prep-sysctl', 'rs1 prep-sysctl', 'rs1 prep-stray', 'rs2 rs-not-listening'].sort());
      assert.match(stray.findings.find((f) => f.code === 'arp-other-answers')?.title ?? '', /02:16:00:00:00:0b/);
      assert.match(stray.findings.find((f) => f.code === 'prep-stray')?.fix ?? '', /ip addr del 10\.116\.0\.200\/32 dev eth0/);
    });
  });

  test('TUN: rp_filter=1 on a real server is found', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('tun');
      await prepare(file);
      await labRun('rs1', 'sysctl -qw net.ipv4.conf.tunl0.rp_filter=1');
      const r = await doctor(file);
      assert.deepEqual(r.errors, ['rs1 prep-sysctl']);
      assert.match(r.findings.find((f) => f.host === 'rs1')?.title ?? '', /net\.ipv4\.conf\.tunl0\.rp_filter = 0: is 1/);
    });
  });

  test('director without ipvsadm and without the ip_vs module (hidden by mounts in its namespace)', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('dr');
      // The director's mount namespace is its own: hide ipvsadm behind a non-executable file and the module
      // tree behind an empty tmpfs (reset unloaded ip_vs, so modprobe -n cannot find it).
      await labRun('director', 'touch /run/not-ipvsadm && mount --bind /run/not-ipvsadm /usr/sbin/ipvsadm && mount -t tmpfs none /lib/modules');
      try {
        const r = await doctor(file);
        assert.ok(r.errors.includes('director no-ipvsadm'), r.errors.join(', '));
        assert.ok(r.errors.includes('director no-ip-vs-module'), r.errors.join(', '));
        assert.match(r.findings.find((f) => f.code === 'no-ipvsadm')?.fix ?? '', /install/);
      } finally {
        await labRun('director', 'umount /lib/modules; umount /usr/sbin/ipvsadm');
      }
    });
  });
});
