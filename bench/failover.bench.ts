/**
 * keepalived on the lab (lab-ha, lab/out/lvs-ha.yaml): the failover gap and the health-detection time, each
 * the median of 5, against the floors keepalived's own timers set.
 *
 * - Failover: the master's link goes down; measured on the guest's one clock (every lab host is a namespace
 *   of one VM) from the moment before `ip link set eth0 down` to (a) director2 holding the VIP (its local
 *   routes polled every 10 ms) and (b) the client served again: the first of its requests (20/s) answered after the first that failed.
 *   Floor: VRRP's master-down interval, 3 × advert_int + skew, skew = (256 − backup priority) × advert_int / 256.
 *   After each run the link comes back and director (higher priority, preempting) takes the VIP back.
 * - Health: rs1's web server killed; from the kill to rs1 leaving the director's table (/proc/net/ip_vs polled every 10 ms).
 *   Floor: keepalived's worst case for the check, delay_loop + connect_timeout × (retry + 1) + delay_before_retry × retry.
 *
 * Needs the lab (LVS_LAB_OUT, default lab/out); the lab is reset before and after. Figures are printed, never asserted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as lvsctl } from '../src/cli/lvsctl';
import { validateClusterFile } from '../src/core/clusterFile/validate';
import { LAB_ADDR, labPaths, labRun, resetLab } from '../test/support/lab';
import type { LabHost } from '../test/support/lab';
import type { BenchResult } from './benchTypes';

const RUNS = 5;
const RS_PREP = 'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function cli(args: string[]): Promise<void> {
  let out = '';
  const code = await lvsctl(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) } });
  if (code !== 0) throw new Error(`lvsctl ${args.join(' ')} exited ${code}:\n${out}`);
}

/** Polls (bounded) until exactly `host` holds `vip` on eth0. */
async function waitHolder(host: LabHost, other: LabHost, vip: string): Promise<void> {
  const cmd = `for i in $(seq 150); do ip -o addr show dev eth0 | grep -q ' ${vip}/32 ' && exit 0; sleep 0.2; done; exit 1`;
  await labRun(host, cmd, { timeoutMs: 60_000 });
  await labRun(other, `for i in $(seq 150); do ip -o addr show dev eth0 | grep -q ' ${vip}/32 ' || exit 0; sleep 0.2; done; exit 1`, { timeoutMs: 60_000 });
}

/** An IPv4 address as /proc/net/ip_vs writes it (8 upper-case hex digits). */
function hexAddress(ip: string): string {
  return ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
}

/**
 * A bash script that prints the guest clock ($EPOCHREALTIME) the first time `test` holds, testing every
 * 10 ms for at most 40 s with builtins only (no process per poll, which under the lab's emulation would cost
 * more than the resolution wanted). Without `fn`, `test` sees each line `l` of `file`.
 */
function untilScript(test: string, file: string, fn?: string): string {
  const body = fn
    ? `${fn}; if ${test}; then echo "\${EPOCHREALTIME}"; exit 0; fi`
    : `while read -r l; do if ${test}; then echo "\${EPOCHREALTIME}"; exit 0; fi; done < ${file}`;
  return `bash -c '${`exec 9<> <(:); for ((i = 0; i < 4000; i++)); do ${body}; read -t 0.01 -u 9; done; exit 1`.replace(/'/g, `'\\''`)}'`;
}

/**
 * When the client was served again: the completion of the first request answered (200) after the first one
 * that failed after t0 (requests already past the director at t0 still complete); t0 itself when none failed.
 */
function servedAgainAt(output: string, t0: number): number | undefined {
  let failed = false;
  for (const line of output.trim().split('\n')) {
    const [stamp, code] = line.split(' ');
    if (Number(stamp) <= t0) continue;
    if (code !== '200') failed = true;
    else if (failed) return Number(stamp);
  }
  return failed ? undefined : t0;
}

export async function run(): Promise<BenchResult[]> {
  const outDir = labPaths().outDir;
  const file = join(outDir, 'lvs-ha.yaml');
  if (!existsSync(file) || (await labRun('director', 'true').then(() => false, () => true))) {
    console.log(`(keepalived failover: skipped, no lab answering at ${outDir}; start one with lab/lab.sh up)`);
    return [];
  }
  const { model } = validateClusterFile(readFileSync(file, 'utf8'));
  const cluster = model?.clusters.find((c) => c.name === 'lab-ha');
  const service = cluster?.services[0];
  const vrrp = cluster?.vrrp;
  const check = service?.realServers[0]?.healthCheck;
  const vip = service?.vip;
  if (!cluster || !vrrp || !check || vip === undefined) throw new Error(`${file}: no lab-ha cluster with vrrp, a VIP and a health check`);
  const advert = vrrp.advertInterval;
  // Priorities follow the order of directors unless given (docs/ha.md); director2 is the backup.
  const backupPriority = cluster.directors[1]?.priority;
  const trust = mkdtempSync(join(tmpdir(), 'lvs-bench-failover-'));
  const results: BenchResult[] = [];
  try {
    await resetLab();
    await Promise.all(['rs1', 'rs2'].map((h) => labRun(h as LabHost, `${RS_PREP} && ip addr replace ${vip}/32 dev lo`)));
    await cli(['apply', file, '--yes', '--trust-store', join(trust, 'trust')]);
    await waitHolder('director', 'director2', vip);
    // The skew needs the backup's priority: read it from what keepalived runs.
    const conf = await labRun('director2', 'cat /etc/keepalived/keepalived.conf');
    const priority = backupPriority ?? Number(/^\s*priority\s+(\d+)/m.exec(conf)?.[1]);
    const floor = 3 * advert + ((256 - priority) * advert) / 256;

    const takeover: number[] = [];
    const served: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const poll = labRun('director2', untilScript(`[[ $l == *"|-- ${vip}"* ]]`, '/proc/net/fib_trie'), { timeoutMs: 60_000 });
      // 300 requests at 20/s from one curl process, line-buffered; each result stamped on arrival (a builtin).
      const client = labRun('client', `stdbuf -oL curl -s -o /dev/null --rate 20/s --connect-timeout 0.2 -m 0.3 -w '%{http_code}\\n' 'http://${vip}/?[1-300]' | while read -r l; do echo "$EPOCHREALTIME $l"; done; true`, { timeoutMs: 120_000 });
      await new Promise((r) => setTimeout(r, 2500));
      try {
        const t0 = Number((await labRun('director', 'date +%s.%N; ip link set eth0 down')).trim());
        takeover.push(Number((await poll).trim()) - t0);
        const again = servedAgainAt(await client, t0);
        if (again !== undefined) served.push(again - t0);
      } finally {
        await labRun('director', `ip link set eth0 up && ip route replace default via ${LAB_ADDR.routerLan}`);
      }
      await waitHolder('director', 'director2', vip);
    }
    const floorName = `VRRP master-down interval 3 × advert_int ${advert} s + skew (256 − ${priority}) × ${advert} / 256 s`;
    results.push(
      { name: `failover: master link down → director2 holds the VIP (median of ${RUNS})`, unit: 'ms', median: 1000 * median(takeover), baseline: { name: floorName, median: 1000 * floor } },
      { name: `failover: master link down → the client served again (its first answered request after the first failed one; median of ${served.length}; 20 requests/s)`, unit: 'ms', median: 1000 * median(served), baseline: { name: floorName, median: 1000 * floor } },
    );

    const interval = check.interval;
    const timeout = check.timeout;
    const retries = check.retries;
    const retryDelay = check.retryDelay;
    const detectFloor = interval + timeout * (retries + 1) + retryDelay * retries;
    const detect: number[] = [];
    const rs1Hex = `${hexAddress(LAB_ADDR.rs1)}:0050`;
    for (let i = 0; i < RUNS; i++) {
      const pid = /pid=(\d+)/.exec(await labRun('rs1', 'ss -Hltnp "sport = :80"'))?.[1];
      if (!pid) throw new Error('rs1: no web server listening');
      const poll = labRun('director', untilScript(`! grep_rs`, '/proc/net/ip_vs', `grep_rs() { local l; while read -r l; do [[ $l == *"-> ${rs1Hex} "* ]] && return 0; done < /proc/net/ip_vs; return 1; }`), { timeoutMs: 60_000 });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Number((await labRun('rs1', `date +%s.%N; kill ${pid}`)).trim().split('\n')[0]);
      detect.push(Number((await poll).trim()) - t0);
      await labRun('rs1', 'busybox httpd -p 80 -h /var/www/html');
      await labRun('director', `for i in $(seq 200); do ipvsadm -Ln -t ${vip}:80 | grep -q '${LAB_ADDR.rs1}:80' && exit 0; sleep 0.1; done; exit 1`, { timeoutMs: 60_000 });
    }
    results.push({
      name: `health: rs1's web server killed → rs1 out of the director's table (median of ${RUNS})`, unit: 'ms', median: 1000 * median(detect),
      baseline: { name: `keepalived's worst case delay_loop ${interval} + connect_timeout ${timeout} × (retry ${retries} + 1) + delay_before_retry ${retryDelay} × ${retries} s`, median: 1000 * detectFloor },
    });
    console.log(`(failover runs, s: takeover ${takeover.map((x) => x.toFixed(2)).join(' ')}; served again ${served.map((x) => x.toFixed(2)).join(' ')}; detection ${detect.map((x) => x.toFixed(2)).join(' ')})`);
  } finally {
    await resetLab();
    rmSync(trust, { recursive: true, force: true });
  }
  return results;
}
