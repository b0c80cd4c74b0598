/** A director's live state: the one script's sectioned output parsed into table, counters, timeouts, sysctls, managed keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_STATE_SCRIPT, parseLiveState } from '../../src/core/apply/liveState';
import { tableDigest } from '../../src/core/apply/tableDigest';
import { readIpvsFixture } from '../support/ipvsFixtures';

const mark = '@@lvsctl-section';

test('live state: one script output parsed into table (thresholds merged), counters, sysctls, managed', () => {
  const stdout = [
    `${mark} save`, readIpvsFixture('lab', 'ipvsadm-save_-n.txt').trimEnd(), `${mark}-rc save 0`,
    `${mark} thresholds`, readIpvsFixture('lab', 'ipvsadm_-Ln_--thresholds.txt').trimEnd(), `${mark}-rc thresholds 0`,
    `${mark} list`, readIpvsFixture('dr', 'ipvsadm_-Ln.txt').trimEnd(), `${mark}-rc list 0`,
    `${mark} timeout`, 'Timeout (tcp tcpfin udp): 900 120 300', `${mark}-rc timeout 0`,
    `${mark} sysctl`, '/proc/sys/net/ipv4/vs/expire_nodest_conn:1', '/proc/sys/net/ipv4/vs/conn_reuse_mode:1', `${mark}-rc sysctl 0`,
    `${mark} managed`, 'tcp:10.116.0.200:80', `${mark}-rc managed 0`, `${mark} end`, '',
  ].join('\n');
  const s = parseLiveState({ stdout, stderr: '', exitCode: 0 });
  assert.equal(s.saveText, readIpvsFixture('lab', 'ipvsadm-save_-n.txt'));
  const nat = s.table.services.find((x) => x.key.kind === 'addr' && x.key.port === 84);
  assert.equal(nat?.realServers[0].upperThreshold, 100);
  assert.equal(nat?.realServers[0].lowerThreshold, 10);
  assert.deepEqual(s.counters.get('tcp:10.116.0.200:80 10.116.0.11:80'), { activeConn: 1, inactConn: 41 });
  assert.deepEqual(s.sysctls, { expire_nodest_conn: 1, conn_reuse_mode: 1 });
  assert.deepEqual([...s.managed], ['tcp:10.116.0.200:80']);
  assert.deepEqual(s.timeouts, { tcp: 900, tcpFin: 120, udp: 300 });
  assert.throws(() => parseLiveState({ stdout: `${mark} save\n${mark}-rc save 127\n`, stderr: 'sh: ipvsadm: not found', exitCode: 0 }), /not installed/);
});

// Captured in the lab (ipvsadm v1.31, Linux 6.1): the same table as -S, --thresholds and /proc/net/ip_vs.
const LAB_SAVE = "-A -t 10.1.1.1:80 -s mh -p 60 -M 255.255.255.0 -b mh-fallback\n-a -t 10.1.1.1:80 -r 10.116.0.11:80 -m -w 3\n-a -t 10.1.1.1:80 -r 10.116.0.12:8080 -m -w 0\n-A -t 10.1.1.3:22 -s rr\n-A -u 10.1.1.2:53 -s wrr -p 30 --pe sip -o\n-a -u 10.1.1.2:53 -r 10.116.0.11:53 -g -w 5\n-A -t [fd16:116::100]:443 -s sh -b sh-port\n-a -t [fd16:116::100]:443 -r [fd16:116::11]:443 -g -w 2\n";
const LAB_THRESHOLDS = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n  -> RemoteAddress:Port\nTCP  10.1.1.1:80 mh (mh-fallback) persistent 60 mask 255.255.255.0\n  -> 10.116.0.11:80               10         2          0          0         \n  -> 10.116.0.12:8080             0          0          0          0         \nTCP  10.1.1.3:22 rr\nUDP  10.1.1.2:53 wrr persistent 30 pe sip ops\n  -> 10.116.0.11:53               0          0          0          0         \nTCP  [fd16:116::100]:443 sh (sh-port)\n  -> [fd16:116::11]:443           7          0          0          0         \n";
const LAB_PROC = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\nTCP  0A010101:0050 mh  persistent 15000 FFFFFF00\n  -> 0A74000C:1F90      Masq    0      0          0         \n  -> 0A74000B:0050      Masq    3      0          0         \nUDP  0A010102:0035 wrr ops  persistent 7500 FFFFFFFF\n  -> 0A74000B:0035      Route   5      0          0         \nTCP  0A010103:0016 rr  \nTCP  [fd16:0116:0000:0000:0000:0000:0000:0100]:01BB sh \n  -> [fd16:0116:0000:0000:0000:0000:0000:0011]:01BB      Route   2      0          0         \n";

function sections(parts: Record<string, string>): string {
  return Object.entries(parts).map(([name, text]) => `${mark} ${name}\n${text}${mark}-rc ${name} 0\n`).join('') + `${mark} end\n`;
}

test('live state from ONE listing: --thresholds + /proc/net/ip_vs give the same table as -S + --thresholds', () => {
  const old = parseLiveState({ stdout: sections({ save: LAB_SAVE, thresholds: LAB_THRESHOLDS }), stderr: '', exitCode: 0 });
  const one = parseLiveState({ stdout: sections({ gen: 'abc-1\n', proc: LAB_PROC, thresholds: LAB_THRESHOLDS }), stderr: '', exitCode: 0 });
  assert.deepEqual(one.table, old.table);
  assert.equal(one.saveText, LAB_SAVE);
  assert.equal(one.table.services.length, 4);
  const v6 = one.table.services.find((s) => s.key.kind === 'addr' && s.key.family === 'inet6');
  assert.deepEqual(v6?.realServers.map((r) => [r.address, r.method, r.weight, r.upperThreshold]), [['fd16:116::11', 'dr', 2, 7]]);
  assert.equal(one.digest, tableDigest('abc-1', LAB_PROC));
  assert.equal(old.digest, undefined);
  assert.deepEqual(one.counters.get('tcp:10.1.1.1:80 10.116.0.11:80'), { activeConn: 0, inactConn: 0 });
});

test('live state: a table changed between /proc/net/ip_vs and the listing is refused, never merged', () => {
  const fewer = LAB_PROC.replace(/^  -> 0A74000C:1F90.*\n/m, '');
  assert.throws(() => parseLiveState({ stdout: sections({ gen: '\n', proc: fewer, thresholds: LAB_THRESHOLDS }), stderr: '', exitCode: 0 }), /changed while it was read.*tcp:10\.1\.1\.1:80 has 1 real servers/);
  const moved = LAB_PROC.replace('0A74000C:1F90', '0A74000D:1F90');
  assert.throws(() => parseLiveState({ stdout: sections({ gen: '\n', proc: moved, thresholds: LAB_THRESHOLDS }), stderr: '', exitCode: 0 }), /real server 10\.116\.0\.12:8080 is not in \/proc\/net\/ip_vs/);
  const gone = LAB_PROC.replace(/^TCP  0A010103:0016.*\n/m, '');
  assert.throws(() => parseLiveState({ stdout: sections({ gen: '\n', proc: gone, thresholds: LAB_THRESHOLDS }), stderr: '', exitCode: 0 }), /3 services in \/proc\/net\/ip_vs, 4 listed/);
});

/** Runs LIVE_STATE_SCRIPT here with a fake `ipvsadm` on PATH that logs its arguments; returns the log. */
function ipvsadmCalls(mode: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-live-'));
  const log = join(dir, 'calls');
  writeFileSync(join(dir, 'ipvsadm'), `#!/bin/sh\necho "$*" >> ${log}\n`, { mode: 0o755 });
  const r = spawnSync('sh', ['-c', LIVE_STATE_SCRIPT, 'sh', join(dir, 'managed'), mode], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /@@lvsctl-section end/);
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

test('the live-state script runs ONE ipvsadm listing (no -S unless /proc/net/ip_vs shows a tunnel or fwmark; -S alone for table-only)', () => {
  const procShowsMore = existsSync('/proc/net/ip_vs') && /Tunnel|FWM/.test(readFileSync('/proc/net/ip_vs', 'utf8'));
  assert.deepEqual(ipvsadmCalls(''), procShowsMore ? ['-S -n', '-Ln --thresholds'] : ['-Ln --thresholds']);
  assert.deepEqual(ipvsadmCalls('table-only'), ['-S -n']);
});
