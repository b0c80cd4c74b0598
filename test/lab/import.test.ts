/**
 * lvsctl import on the real IPVS lab: on a freshly reset lab, the classic DR setup is built by hand over
 * plain ssh as an operator would (VIP on eth0 with a label, ipvsadm -A/-a, the real servers' ARP sysctls
 * and the VIP on lo), plus a NAT UDP service, a fwmark service and an IPv6 service. The import of it must
 * validate with zero errors, plan nothing, and leave prepare nothing to change (the one thing the file
 * cannot hold, the VIP's /24, is a manual finding the import warned about). Run with your own lab
 * (LVS_LAB_OUT / LVS_LAB_PORT_BASE).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { HostReport } from '../../src/core/hostprep/runHostPlan';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const VIP = LAB_ADDR.vip;
const VIP6 = 'fd16:116::200';

const DIRECTOR = [
  `ip addr add ${VIP}/24 dev eth0 label eth0:1`,
  `ip -6 addr add ${VIP6}/128 dev eth0 nodad`,
  'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.eth0.send_redirects=0',
  'ipvsadm --set 3600 120 300',
  `ipvsadm -A -t ${VIP}:80 -s rr`,
  `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1`,
  `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 1 -x 200 -y 20`,
  `ipvsadm -A -u ${VIP}:53 -s wrr -p 120`,
  `ipvsadm -a -u ${VIP}:53 -r ${LAB_ADDR.rs1}:5353 -m -w 2`,
  `ipvsadm -a -u ${VIP}:53 -r ${LAB_ADDR.rs2}:5353 -m -w 1`,
  'ipvsadm -A -f 7 -s sh -b sh-port',
  `ipvsadm -a -f 7 -r ${LAB_ADDR.rs1}:0 -g -w 3`,
  `ipvsadm -A -t [${VIP6}]:80 -s wlc`,
  `ipvsadm -a -t [${VIP6}]:80 -r [${LAB_ADDR.rs16}]:80 -g -w 1`,
  `ipvsadm -a -t [${VIP6}]:80 -r [${LAB_ADDR.rs26}]:80 -g -w 1`,
].join(' && ');

const REAL_SERVER = [
  'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2',
  `ip addr add ${VIP}/32 dev lo`,
  `ip -6 addr add ${VIP6}/128 dev lo nodad`,
  `ip route replace default via ${LAB_ADDR.director}`,
].join(' && ');

describe('lvsctl import on the lab', { skip }, () => {
  const cli = labCliSuite('import');

  test('a hand-built director and real servers → import → validate 0 errors, plan empty, prepare --dry-run changes nothing', async () => {
    await withLabLock(async () => {
      await resetLab();
      const [saved] = await Promise.all([labRun('director', `${DIRECTOR} && ipvsadm -S -n`), labRun('rs1', REAL_SERVER), labRun('rs2', REAL_SERVER)]);

      const file = join(cli.dir, 'imported.yaml');
      const imp = await lvsctl(['import', '--director', 'director', '--host', 'rs1', '--host', 'rs2', '--ssh-config', cli.lab.sshConfig, '-o', file, '--verbose', ...cli.trustArgs()]);
      assert.equal(imp.code, 0, imp.stderr);
      const execs = [...imp.stderr.matchAll(/^debug: (\S+): exec /gm)].map((m) => m[1]).sort();
      assert.deepEqual(execs, ['director', 'rs1', 'rs2'], 'one exec per machine');
      const text = readFileSync(file, 'utf8');

      const validate = await lvsctl(['validate', '--kind', 'cluster', '--json', file]);
      const diags = (JSON.parse(validate.stdout) as { diagnostics: { severity: string; code: string; message: string }[] }).diagnostics;
      assert.deepEqual(diags.filter((d) => d.severity === 'error'), [], text);
      assert.equal(validate.code, 0);

      // The file says what the operator built: names, methods, host references, label, thresholds, sysctls.
      const model = validateClusterFile(text).model;
      assert.deepEqual(model.clusters.map((c) => c.name), ['director']);
      const cluster = model.clusters[0];
      assert.deepEqual(cluster.directors.map((d) => [d.host, d.interface, d.vipLabel]), [['director', 'eth0', 'eth0:1']]);
      assert.deepEqual(cluster.services.map((s) => s.name).sort(), ['domain', 'fwmark-7', 'http', 'http-v6']);
      assert.equal(renderRules(desiredTable(model, 'director')), saved);
      const rs2 = cluster.services.find((s) => s.name === 'http')?.realServers.find((r) => r.host === 'rs2');
      assert.deepEqual([rs2?.upperThreshold, rs2?.lowerThreshold], [200, 20]);
      assert.deepEqual(model.hosts.map((h) => [h.name, h.addresses, h.interface]), [
        ['director', [LAB_ADDR.director, LAB_ADDR.director6], 'eth0'],
        ['rs1', [LAB_ADDR.rs1, LAB_ADDR.rs16], 'eth0'],
        ['rs2', [LAB_ADDR.rs2, LAB_ADDR.rs26], 'eth0'],
      ]);
      assert.equal(model.hosts[0].ssh.host, '127.0.0.1');
      assert.equal(model.hosts[0].ssh.port, cli.lab.ports.director);
      assert.match(imp.stderr, /warning: VIP 10\.116\.0\.200\/24 on eth0 \(label eth0:1\) of director: the file holds no prefix/);
      assert.match(imp.stderr, /warning: director's connection timeouts are tcp 3600 s, tcpfin 120 s, udp 300 s .*ipvsadm --set 3600 120 300/);

      // plan and prepare --dry-run only read: both at once. plan: the director holds exactly the file (sysctls too).
      const [plan, prep] = await Promise.all([
        lvsctl(['plan', file, '--json', '--detailed-exitcode', ...cli.trustArgs()]),
        lvsctl(['prepare', file, '--dry-run', '--no-persist', '--json', ...cli.trustArgs()]),
      ]);
      assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
      const directors = (JSON.parse(plan.stdout) as { directors: { steps: unknown[]; pending: unknown[]; foreign: unknown[]; sysctls: unknown[] }[] }).directors;
      assert.deepEqual(directors.map((d) => [d.steps, d.pending, d.foreign, d.sysctls]), [[[], [], [], []]]);

      // prepare --dry-run: nothing to change; what it reports for a manual fix, the import warned about.
      const hosts = (JSON.parse(prep.stdout) as { hosts: HostReport[] }).hosts;
      assert.deepEqual(hosts.map((h) => h.host).sort(), ['director', 'rs1', 'rs2']);
      for (const h of hosts) {
        assert.deepEqual(h.steps.filter((s) => s.outcome === 'will change'), [], `${h.host} would change`);
        for (const s of h.steps.filter((x) => x.outcome === 'manual')) {
          assert.ok(imp.stderr.includes(`prepare reports on ${h.host} (manual): ${s.title}`), `${h.host}: ${s.title} was not warned about:\n${imp.stderr}`);
        }
      }
      assert.deepEqual(hosts.flatMap((h) => h.steps.filter((s) => s.outcome === 'manual').map((s) => `${h.host} ${s.id}`)), [`director address ${VIP} eth0`]);
    });
  });
});
