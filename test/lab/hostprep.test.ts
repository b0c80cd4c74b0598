/**
 * lvsctl prepare on the real IPVS lab (lab/): DR, NAT and TUN preparation verified on the hosts' kernels,
 * traffic through an IPVS table set up by plain ipvsadm, a rerun that changes nothing, and a teardown that
 * restores the boot state. Every test resets the lab first. Run with LVS_LAB_OUT / LVS_LAB_PORT_BASE of
 * your own lab instance.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { HostReport } from '../../src/core/hostprep/runHostPlan';
import { labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';
import type { LabCli } from '../support/labCli';

const VIP = LAB_ADDR.vip;
const skip = labSkipReason();

interface PrepareJson {
  hosts: HostReport[];
  arp: { director: string; vip: string; kind: string; macs?: string[] }[];
}

let cli: LabCli;

async function prepare(file: string, ...extra: string[]): Promise<{ code: number; json: PrepareJson; stderr: string }> {
  const r = await lvsctl(['prepare', file, '--cluster', 'lab-web', '--json', ...cli.trustArgs(), ...extra]);
  let json: PrepareJson;
  try {
    json = JSON.parse(r.stdout) as PrepareJson;
  } catch {
    throw new Error(`lvsctl prepare exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return { code: r.code, json, stderr: r.stderr };
}

function host(json: PrepareJson, name: string): HostReport {
  const h = json.hosts.find((x) => x.host === name);
  assert.ok(h, `no report for ${name}: ${JSON.stringify(json)}`);
  return h;
}

function assertNothingChanged(json: PrepareJson): void {
  for (const h of json.hosts) {
    const changing = h.steps.filter((s) => s.outcome !== 'already done' && !(s.outcome === 'manual' && s.severity === 'warning'));
    assert.deepEqual(changing, [], `${h.host} changed on a rerun`);
  }
}

async function curlVip(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s -m 5 http://${VIP}/ || echo FAIL; done`, { timeoutMs: 180_000 });
  return out.trim().split('\n');
}

function assertAlternating(answers: string[]): void {
  assert.equal(answers.length, 20, answers.join(','));
  for (const a of answers) assert.ok(a === 'rs1' || a === 'rs2', `unexpected answer ${a} in ${answers.join(',')}`);
  for (let i = 1; i < answers.length; i++) assert.notEqual(answers[i], answers[i - 1], answers.join(','));
}

const ipvs = (flag: string): string =>
  `ipvsadm -A -t ${VIP}:80 -s rr && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 ${flag} -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 ${flag} -w 1`;

describe('lvsctl prepare on the lab', { skip }, () => {
  cli = labCliSuite('hostprep');

  test('DR: real servers and director prepared, traffic alternates, rerun changes nothing, teardown restores', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('dr');
      const dry = await prepare(file, '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.ok(host(dry.json, 'rs1').steps.some((s) => s.outcome === 'will change'));
      assert.equal((await labRun('rs1', 'sysctl -n net.ipv4.conf.all.arp_ignore')).trim(), '0', 'a dry run changes nothing');

      const first = await prepare(file);
      assert.equal(first.code, 0, JSON.stringify(first.json, null, 1));
      for (const h of first.json.hosts) {
        assert.ok(h.ok, JSON.stringify(h, null, 1));
        assert.equal(h.init, 'none', 'the lab has no systemd and no ifupdown');
        assert.ok(h.steps.some((s) => s.id === 'persist vips' && s.outcome === 'manual' && s.severity === 'warning'));
        assert.ok(h.execs <= 3, `${h.host}: ${h.execs} execs`);
      }
      assert.deepEqual(first.json.arp.map((a) => [a.director, a.vip, a.kind]), [['director', VIP, 'only-director']]);
      for (const rs of ['rs1', 'rs2'] as const) {
        const sys = await labRun(rs, 'sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.eth0.arp_ignore net.ipv4.conf.eth0.arp_announce');
        assert.deepEqual(sys.trim().split('\n'), ['1', '2', '1', '2']);
        assert.match(await labRun(rs, 'ip -o addr show dev lo'), /inet 10\.116\.0\.200\/32 /);
        const conf = await labRun(rs, 'cat /etc/sysctl.d/90-lvs.conf');
        assert.match(conf, /^net\.ipv4\.conf\.all\.arp_ignore = 1$/m);
        assert.match(conf, /^net\.ipv4\.conf\.eth0\.arp_announce = 2$/m);
        assert.match(await labRun(rs, 'cat /var/lib/vscode-lvs/hostprep.json'), /"10\.116\.0\.200"/);
      }
      assert.match(await labRun('director', 'ip -o addr show dev eth0'), /inet 10\.116\.0\.200\/32 /);
      assert.match(await labRun('director', 'cut -d" " -f1 /proc/modules | sort | tr "\\n" " "'), /\bip_vs\b.*\bip_vs_rr\b/);
      assert.equal((await labRun('director', 'cat /etc/modules-load.d/lvs.conf')).split('\n').filter((l) => !l.startsWith('#')).join(' ').trim(), 'ip_vs ip_vs_rr');
      assert.equal((await labRun('director', 'sysctl -n net.ipv4.vs.expire_nodest_conn net.ipv4.vs.expire_quiescent_template')).trim(), '1\n1');

      await labRun('director', ipvs('-g'));
      assertAlternating(await curlVip(20));

      const second = await prepare(file);
      assert.equal(second.code, 0);
      assertNothingChanged(second.json);
      for (const h of second.json.hosts) assert.equal(h.execs, 1, 'a rerun only reads');

      const down = await prepare(file, '--teardown');
      assert.equal(down.code, 0, JSON.stringify(down.json, null, 1));
      for (const rs of ['rs1', 'rs2'] as const) {
        const sys = await labRun(rs, 'sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.eth0.arp_ignore net.ipv4.conf.eth0.arp_announce');
        assert.deepEqual(sys.trim().split('\n'), ['0', '0', '0', '0']);
        assert.doesNotMatch(await labRun(rs, 'ip -o addr show dev lo'), /10\.116\.0\.200/);
        assert.equal((await labRun(rs, 'ls /etc/sysctl.d/90-lvs.conf /var/lib/vscode-lvs/hostprep.json 2>/dev/null | wc -l')).trim(), '0');
      }
      assert.doesNotMatch(await labRun('director', 'ip -o addr show dev eth0'), /10\.116\.0\.200/);
      assert.equal((await labRun('director', 'ls /etc/modules-load.d/lvs.conf 2>/dev/null | wc -l; sysctl -n net.ipv4.vs.expire_nodest_conn')).trim(), '0\n0');
      const again = await prepare(file, '--teardown');
      assertNothingChanged(again.json);
    });
  });

  test('persistence with --init systemd: unit and enable link written, removed by teardown', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('dr');
      const r = await prepare(file, '--init', 'systemd', '--host', 'rs1');
      assert.equal(r.code, 0, JSON.stringify(r.json, null, 1));
      const unit = await labRun('rs1', 'cat /etc/systemd/system/lvs-vips.service');
      assert.match(unit, /^ExecStart=-\/sbin\/ip addr add 10\.116\.0\.200\/32 dev lo$/m);
      assert.match(unit, /^WantedBy=multi-user\.target$/m);
      assert.equal((await labRun('rs1', 'readlink /etc/systemd/system/multi-user.target.wants/lvs-vips.service')).trim(), '/etc/systemd/system/lvs-vips.service');
      const rerun = await prepare(file, '--init', 'systemd', '--host', 'rs1');
      assertNothingChanged(rerun.json);
      await prepare(file, '--teardown', '--host', 'rs1');
      assert.equal((await labRun('rs1', 'ls /etc/systemd/system/lvs-vips.service /etc/systemd/system/multi-user.target.wants/lvs-vips.service 2>/dev/null | wc -l')).trim(), '0');
    });
  });

  test('NAT: a wrong route back is reported, not changed; once fixed, traffic alternates through the director', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('nat');
      const first = await prepare(file, '--no-persist');
      assert.equal(first.code, 1);
      const route = host(first.json, 'rs1').steps.find((s) => s.id.startsWith('route'));
      assert.equal(route?.outcome, 'manual');
      assert.match(route?.fix ?? '', /ip route replace default via 10\.116\.0\.10/);
      assert.match(await labRun('rs1', 'ip route show default'), /via 10\.116\.0\.1 /, 'the route was not touched');
      assert.equal((await labRun('director', 'sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.send_redirects net.ipv4.conf.eth0.send_redirects')).trim(), '1\n0\n0');
      for (const rs of ['rs1', 'rs2'] as const) await labRun(rs, `ip route replace default via ${LAB_ADDR.director}`);
      const second = await prepare(file, '--no-persist');
      assert.equal(second.code, 0, JSON.stringify(second.json, null, 1));
      assertNothingChanged(second.json);
      await labRun('director', ipvs('-m'));
      assertAlternating(await curlVip(20));
      await prepare(file, '--teardown');
      assert.equal((await labRun('director', 'sysctl -n net.ipv4.ip_forward')).trim(), '0');
    });
  });

  test('TUN: tunl0 up with the VIP, rp_filter 0, traffic alternates; teardown restores', async () => {
    await withLabLock(async () => {
      await resetLab();
      const file = cli.clusterFile('tun');
      await labRun('rs1', 'sysctl -qw net.ipv4.conf.all.rp_filter=1');
      const first = await prepare(file);
      assert.equal(first.code, 0, JSON.stringify(first.json, null, 1));
      for (const rs of ['rs1', 'rs2'] as const) {
        assert.match(await labRun(rs, 'ip -o addr show dev tunl0'), /inet 10\.116\.0\.200\/32 /);
        assert.match(await labRun(rs, 'ip -o link show dev tunl0'), /[<,]UP[,>]/);
        assert.equal((await labRun(rs, 'sysctl -n net.ipv4.conf.all.rp_filter net.ipv4.conf.tunl0.rp_filter')).trim(), '0\n0');
      }
      await labRun('director', ipvs('-i'));
      assertAlternating(await curlVip(20));
      assertNothingChanged((await prepare(file)).json);
      await prepare(file, '--teardown');
      assert.equal((await labRun('rs1', 'sysctl -n net.ipv4.conf.all.rp_filter')).trim(), '1', 'previous value restored');
      assert.doesNotMatch(await labRun('rs1', 'ip -o addr show dev tunl0'), /10\.116\.0\.200/);
      assert.doesNotMatch(await labRun('rs1', 'ip -o link show dev tunl0'), /[<,]UP[,>]/);
    });
  });
});
