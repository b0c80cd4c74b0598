/**
 * End-to-end proof that the local lab (lab/) is a real LVS: DR, NAT and TUN set up by hand
 * with ssh + ipvsadm/ip/sysctl (not product code), 20 curls from `client` to the VIP, and
 * the director's counters. One lab per run (ensureLab), reset before every test.
 *
 * Skips (with the reason) only outside CI when the machine cannot run the lab; with
 * CI=true a missing lab fails.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ensureLab, labExec, labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR, LabInfo } from '../support/lab';

const VIP = LAB_ADDR.vip;
const skip = labSkipReason();

interface RsStats {
  conns: number;
  inPkts: number;
  outPkts: number;
}

/** Parses `ipvsadm -Ln --stats --exact`: the real servers of the VIP:80 service. */
function parseStats(text: string): Map<string, RsStats> {
  const rs = new Map<string, RsStats>();
  let inService = false;
  for (const line of text.split('\n')) {
    const svc = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s/.exec(line);
    if (svc) {
      inService = svc[2] === `${VIP}:80`;
      continue;
    }
    const m = /^\s+->\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
    if (m && inService) rs.set(m[1]!, { conns: +m[2]!, inPkts: +m[3]!, outPkts: +m[4]! });
  }
  return rs;
}

async function curlVip(n: number): Promise<string[]> {
  const out = await labRun('client', `for i in $(seq ${n}); do curl -s -m 5 http://${VIP}/ || echo FAIL; done`, {
    timeoutMs: 180_000,
  });
  return out.trim().split('\n');
}

function assertStrictRoundRobin(answers: string[], n: number): void {
  assert.equal(answers.length, n, `answers: ${answers.join(',')}`);
  for (const a of answers) assert.ok(a === 'rs1' || a === 'rs2', `unexpected answer ${JSON.stringify(a)} in ${answers.join(',')}`);
  for (let i = 1; i < answers.length; i++) {
    assert.notEqual(answers[i], answers[i - 1], `not alternating at ${i}: ${answers.join(',')}`);
  }
}

/**
 * The director's per-real-server counters once they account for `conns` connections: IPVS
 * folds its per-CPU counters into the numbers ipvsadm shows every 2 s (estimator), so poll.
 */
async function directorStats(conns: number): Promise<Map<string, RsStats>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const st = parseStats(await labRun('director', 'ipvsadm -Ln --stats --exact'));
    const total = [...st.values()].reduce((n, s) => n + s.conns, 0);
    if (total >= conns || Date.now() > deadline) return st;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const RS_ARP = (dev: string) =>
  `sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 ` +
  `net.ipv4.conf.${dev}.arp_ignore=1 net.ipv4.conf.${dev}.arp_announce=2`;

describe('local LVS lab', { skip }, () => {
  let lab: LabInfo;
  before(async () => {
    lab = await ensureLab();
  });
  after(async () => {
    // Leave the shared lab clean for whoever comes next.
    if (lab) await withLabLock(() => resetLab());
  });

  test('lab files: lvs.yaml, ssh_config, known_hosts point at the running lab', async () => {
    const yaml = fs.readFileSync(lab.lvsYaml, 'utf8');
    assert.match(yaml, /^version: 1$/m);
    assert.match(yaml, new RegExp(`port: ${lab.ports.director}, user: root`));
    assert.match(yaml, /vip: 10\.116\.0\.200/);
    assert.match(yaml, /\{ host: rs2, port: 80, method: dr, weight: 1 \}/);
    const known = fs.readFileSync(lab.knownHosts, 'utf8');
    for (const h of ['director', 'rs1', 'rs2', 'client', 'router'] as const) {
      assert.match(known, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${lab.ports[h]} ssh-ed25519 `, 'm'));
      const r = await labExec(h, 'hostname');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), h);
    }
  });

  test('DR: strict round robin over rs1/rs2, replies bypass the director', async () => {
    await withLabLock(async () => {
      await resetLab();
      await Promise.all([
        labRun(
          'director',
          `ip addr add ${VIP}/32 dev eth0 && ipvsadm -A -t ${VIP}:80 -s rr && ` +
            `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -g -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -g -w 1`,
        ),
        labRun('rs1', `${RS_ARP('eth0')} && ip addr add ${VIP}/32 dev lo`),
        labRun('rs2', `${RS_ARP('eth0')} && ip addr add ${VIP}/32 dev lo`),
      ]);
      const answers = await curlVip(20);
      assertStrictRoundRobin(answers, 20);
      const st = await directorStats(20);
      const a = st.get(`${LAB_ADDR.rs1}:80`);
      const b = st.get(`${LAB_ADDR.rs2}:80`);
      assert.ok(a && b, `stats: ${JSON.stringify([...st])}`);
      assert.equal(a.conns, 10);
      assert.equal(b.conns, 10);
      assert.ok(a.inPkts > 0 && b.inPkts > 0);
      assert.equal(a.outPkts, 0, 'DR replies must not pass the director');
      assert.equal(b.outPkts, 0, 'DR replies must not pass the director');
    });
  });

  test('NAT: masquerading through the director (rs default route via director)', async () => {
    await withLabLock(async () => {
      await resetLab();
      await Promise.all([
        labRun(
          'director',
          'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 ' +
            `net.ipv4.conf.eth0.send_redirects=0 && ip addr add ${VIP}/32 dev eth0 && ipvsadm -A -t ${VIP}:80 -s rr && ` +
            `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -m -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -m -w 1`,
        ),
        labRun('rs1', `ip route replace default via ${LAB_ADDR.director}`),
        labRun('rs2', `ip route replace default via ${LAB_ADDR.director}`),
      ]);
      const answers = await curlVip(20);
      assertStrictRoundRobin(answers, 20);
      const st = await directorStats(20);
      const a = st.get(`${LAB_ADDR.rs1}:80`);
      const b = st.get(`${LAB_ADDR.rs2}:80`);
      assert.ok(a && b, `stats: ${JSON.stringify([...st])}`);
      assert.equal(a.conns + b.conns, 20);
      assert.ok(a.outPkts > 0 && b.outPkts > 0, 'NAT replies pass the director');
    });
  });

  test('TUN: IPIP to the real servers, replies bypass the director', async () => {
    await withLabLock(async () => {
      await resetLab();
      const rsTun =
        `${RS_ARP('eth0')} && sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 ` +
        `net.ipv4.conf.tunl0.rp_filter=0 && ip addr add ${VIP}/32 dev tunl0 && ip link set tunl0 up`;
      await Promise.all([
        labRun(
          'director',
          `ip addr add ${VIP}/32 dev eth0 && ipvsadm -A -t ${VIP}:80 -s rr && ` +
            `ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs1}:80 -i -w 1 && ipvsadm -a -t ${VIP}:80 -r ${LAB_ADDR.rs2}:80 -i -w 1`,
        ),
        labRun('rs1', rsTun),
        labRun('rs2', rsTun),
      ]);
      const answers = await curlVip(20);
      assertStrictRoundRobin(answers, 20);
      const st = await directorStats(20);
      const a = st.get(`${LAB_ADDR.rs1}:80`);
      const b = st.get(`${LAB_ADDR.rs2}:80`);
      assert.ok(a && b, `stats: ${JSON.stringify([...st])}`);
      assert.equal(a.conns + b.conns, 20);
      assert.equal(a.outPkts + b.outPkts, 0, 'TUN replies must not pass the director');
      const tunl = await labRun('rs1', 'ip -s -o link show tunl0');
      assert.match(tunl, /tunl0/);
    });
  });

  test('reset: VIPs, IPVS, modules, sysctls and written files are gone', async () => {
    await withLabLock(async () => {
      await resetLab();
      await labRun(
        'director',
        `ip addr add ${VIP}/32 dev eth0 && ipvsadm -A -t ${VIP}:80 -s wlc && sysctl -qw net.ipv4.ip_forward=1 && ` +
          'echo net.ipv4.ip_forward=1 > /etc/sysctl.d/90-lvs.conf && mkdir -p /etc/modules-load.d && echo ip_vs > /etc/modules-load.d/lvs.conf && ' +
          'mkdir -p /etc/systemd/system && echo "[Unit]" > /etc/systemd/system/lvs.service && echo x > /root/note && echo y > /var/tmp/z',
      );
      await labRun('rs1', `${RS_ARP('eth0')} && ip addr add ${VIP}/32 dev lo && ip route replace default via ${LAB_ADDR.director}`);
      await resetLab();
      const d = await labRun(
        'director',
        'lsmod | grep -c "^ip_vs" || true; ip -o addr show dev eth0 | grep -c 10.116.0.200 || true; ' +
          'sysctl -n net.ipv4.ip_forward; ls /etc/sysctl.d /etc/modules-load.d /etc/systemd/system /root /var/tmp 2>/dev/null | grep -c "lvs\\|note\\|^z$" || true; ' +
          'ipvsadm -Ln | grep -c "^TCP" || true',
      );
      assert.deepEqual(d.trim().split('\n'), ['0', '0', '0', '0', '0']);
      const r = await labRun(
        'rs1',
        'sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.eth0.arp_announce; ip -o addr show dev lo | grep -c 10.116.0.200 || true; ip route show default',
      );
      assert.deepEqual(r.trim().split('\n'), ['0', '0', '0', `default via ${LAB_ADDR.routerLan} dev eth0 `.trim()]);
    });
  });
  test('reset with a connection still open between two hosts: every host gets its interfaces back', async () => {
    // rs2 holds a TCP connection to the director's sshd; the reset kills the director first,
    // then rs2, whose socket is left retransmitting its FIN to a peer that is gone. That socket
    // keeps rs2's old network namespace (and its veth) alive past `ip netns del`; before
    // lab-hosts deleted the veths itself, the restart found the name taken and rs2 and client
    // came up without eth0 (seen in CI: "sysctl: cannot stat .../conf/eth0/arp_ignore").
    await withLabLock(async () => {
      await resetLab();
      const held = await labRun('rs2', `nohup sh -c "sleep 1000 | nc ${LAB_ADDR.director} 22 >/dev/null" >/dev/null 2>&1 & sleep 1; ` +
        `ss -Htn state established dst ${LAB_ADDR.director} | grep -c ':22' || true`);
      assert.equal(held.trim(), '1', 'rs2 holds one connection to the director');
      await resetLab();
      const hosts = ['router', 'director', 'director2', 'rs1', 'rs2', 'client'] as const;
      const seen = await Promise.all(hosts.map((h) => labRun(h, 'ip -o -4 addr show dev eth0 | wc -l')));
      assert.deepEqual(seen.map((n, i) => `${hosts[i]} ${n.trim()}`), hosts.map((h) => `${h} 1`));
      assert.match(await labRun('client', `curl -s -m 5 http://${LAB_ADDR.rs2}/`), /^rs2/);
    });
  });
});
