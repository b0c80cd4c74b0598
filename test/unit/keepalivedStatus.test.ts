/**
 * keepalived's live state: the dump parsers on dumps captured from the lab's keepalived 2.2.7
 * (test/fixtures/keepalived/status: MASTER, BACKUP, FAULT, a real server down), the one-exec reading's
 * output parser and its "not running" error, and the cluster status built from the file and the readings.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { keepalivedLiveView } from '../../src/core/keepalived/keepalivedLiveView';
import { serverViewKey } from '../../src/core/operations/clusterLiveView';
import { loadClusterText } from '../../src/core/operations/clusterSelection';
import { keepalivedClusterStatus, readKeepalivedCluster } from '../../src/core/keepalived/keepalivedClusterStatus';
import { KeepalivedDumpError, parseCheckDump, parseVrrpDump } from '../../src/core/keepalived/keepalivedStatus';
import {
  CHECK_DUMP, KeepalivedNotRunningError, keepalivedStatusCommand, parseKeepalivedReading, readKeepalivedStatus, VRRP_DUMP,
  type KeepalivedReading, type RunningReading,
} from '../../src/core/keepalived/keepalivedStatusRead';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { LAB_HA } from '../builders/keepalivedFiles';

const dir = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'keepalived', 'status')).find((p) => existsSync(p)) ?? '';
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const TABLE = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.11:80 -g -w 1\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';
const TABLE_RS2 = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';
const cluster = validateClusterFile(LAB_HA).model.clusters[0];

describe('keepalived VRRP dump (/tmp/keepalived.data)', () => {
  it('MASTER: state, priorities, router id, the VIP held', () => {
    const d = parseVrrpDump(fixture('master-healthy.data'));
    assert.equal(d.routerId, 'director');
    assert.equal(d.instances.length, 1);
    const i = d.instances[0];
    assert.equal(i.name, 'lab-ha');
    assert.equal(i.state, 'MASTER');
    assert.equal(i.wantState, 'MASTER');
    assert.equal(i.virtualRouterId, 116);
    assert.equal(i.priority, 150);
    assert.equal(i.effectivePriority, 150);
    assert.equal(i.interface, 'eth0');
    assert.equal(i.masterRouter, undefined);
    assert.equal(i.lastTransition, 1796228817.993689);
    assert.deepEqual(i.addresses, [{ address: '10.116.0.201', dev: 'eth0', held: true }]);
  });

  it('BACKUP: the master it hears, the VIP not held', () => {
    const i = parseVrrpDump(fixture('backup-healthy.data')).instances[0];
    assert.equal(i.state, 'BACKUP');
    assert.equal(i.priority, 140);
    assert.equal(i.masterRouter, '10.116.0.10');
    assert.equal(i.masterPriority, 150);
    assert.deepEqual(i.addresses, [{ address: '10.116.0.201', dev: 'eth0', held: false }]);
  });

  it('after a failover: director2 MASTER holding the VIP, director FAULT (its link down) without it', () => {
    const two = parseVrrpDump(fixture('director2-master-after-failover.data'));
    assert.equal(two.routerId, 'director2');
    assert.equal(two.instances[0].state, 'MASTER');
    assert.equal(two.instances[0].addresses[0].held, true);
    const one = parseVrrpDump(fixture('director-fault-link-down.data')).instances[0];
    assert.equal(one.state, 'FAULT');
    assert.equal(one.addresses[0].held, false);
  });

  it('the interface section\'s "State = UP, RUNNING" lines are not taken for the instance state', () => {
    for (const f of ['master-healthy.data', 'backup-healthy.data', 'director-fault-link-down.data']) {
      assert.ok(['MASTER', 'BACKUP', 'FAULT'].includes(parseVrrpDump(fixture(f)).instances[0].state), f);
    }
  });

  it('a dump without instances has none; other text is refused with a clear error', () => {
    const globalOnly = fixture('master-healthy.data').split('------< VRRP Topology >------')[0];
    assert.deepEqual(parseVrrpDump(globalOnly).instances, []);
    assert.throws(() => parseVrrpDump(''), KeepalivedDumpError);
    assert.throws(() => parseVrrpDump('hello\nworld\n'), /not a keepalived data dump/);
  });
});

describe('keepalived checker dump (/tmp/keepalived_check.data)', () => {
  it('healthy: the service, both real servers alive, their HTTP_GET checkers up', () => {
    const d = parseCheckDump(fixture('master-healthy.check.data'));
    assert.equal(d.routerId, 'director');
    assert.equal(d.virtualServers.length, 1);
    const vs = d.virtualServers[0];
    assert.deepEqual(vs.key, { kind: 'address', address: '10.116.0.201', port: 80, protocol: 'tcp' });
    assert.equal(vs.label, '[10.116.0.201]:tcp:80');
    assert.equal(vs.alive, true);
    assert.equal(vs.quorumUp, true);
    assert.equal(vs.quorum, 1);
    assert.deepEqual(vs.realServers.map((r) => [r.address, r.port, r.alive, r.weight, r.failedCheckers]), [['10.116.0.11', 80, true, 1, 0], ['10.116.0.12', 80, true, 1, 0]]);
    for (const r of vs.realServers) {
      assert.equal(r.checkers.length, 1);
      assert.deepEqual(r.checkers[0], { enabled: true, up: true, hasRun: true, dest: `[${r.address}]:80`, method: 'HTTP_GET' });
    }
  });

  it('rs1\'s web server stopped: rs1 not alive, its checker down with the failed URL; rs2 alive (master and backup)', () => {
    for (const f of ['master-rs1-refused.check.data', 'backup-rs1-down.check.data']) {
      const [rs1, rs2] = parseCheckDump(fixture(f)).virtualServers[0].realServers;
      assert.equal(rs1.alive, false, f);
      assert.equal(rs1.failedCheckers, 1);
      assert.equal(rs1.checkers[0].up, false);
      assert.equal(rs1.checkers[0].failedUrl, '/');
      assert.equal(rs2.alive, true);
      assert.equal(rs2.checkers[0].up, true);
    }
  });

  it('fwmark and group services, a sorry server, inhibit on failure (keepalived\'s layout)', () => {
    const head = fixture('master-healthy.check.data').split('------< LVS Topology >------')[0];
    const text = `${head}------< LVS Topology >------\n System is compiled with LVS v1.2.1\n ------< Virtual server >------\n VS FWMARK = 5\n   protocol = none\n` +
      '   sorry server = [10.0.0.9]:none:0\n   alive = 0\n   quorum_state_up = 0\n' +
      '   ------< Real server >------\n   RIP = 10.0.0.3, RPORT = 0, WEIGHT = 0 EFF WEIGHT = 0\n   Inhibit on failure is ON\n   alive = 0\n   num failed checkers = 1\n' +
      ' ------< Virtual server >------\n VS GROUP = [web]:0\n   protocol = TCP\n   alive = 1\n   quorum_state_up = 1\n' +
      '------< Health checkers >------\n FWM 5 -> [10.0.0.3]:none:0\n   Enabled = yes\n   Up = no\n   Has run = yes\n   Connection\n     Dest = [10.0.0.3]:80\n     Timeout = 3.000000\n     Last errno = 111\n   Keepalive method = TCP_CHECK\n';
    const [fw, group] = parseCheckDump(text).virtualServers;
    assert.deepEqual(fw.key, { kind: 'fwmark', fwmark: 5 });
    assert.equal(fw.sorryServer, '[10.0.0.9]:none:0');
    assert.equal(fw.quorumUp, false);
    assert.equal(fw.realServers[0].inhibitOnFailure, true);
    assert.deepEqual(fw.realServers[0].checkers, [{ enabled: true, up: false, hasRun: true, dest: '[10.0.0.3]:80', lastErrno: 111, method: 'TCP_CHECK' }]);
    assert.deepEqual(group.key, { kind: 'group', name: 'web' });
    assert.equal(group.label, '[web]:0');
  });

  it('every cut of every captured dump parses without throwing (a half-read file is not a crash)', () => {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.data'))) {
      const lines = fixture(f).split('\n');
      const parse = f.endsWith('.check.data') ? parseCheckDump : parseVrrpDump;
      for (let n = 2; n <= lines.length; n += 3) parse(lines.slice(0, n).join('\n'));
    }
  });
});

function output(sections: Record<string, string>): string {
  return Object.entries(sections).map(([k, v]) => `@@lvsctl-section ${k}\n${v}`).join('');
}

describe('the one-exec reading', () => {
  it('one sh -c script, paths fixed, signal by keepalived --signum=DATA', () => {
    const c = keepalivedStatusCommand();
    assert.equal(c.argv.length, 3);
    assert.deepEqual(c.argv.slice(0, 2), ['sh', '-c']);
    assert.match(c.argv[2], /keepalived --signum=DATA/);
    assert.match(c.argv[2], /\/run\/keepalived\.pid/);
  });

  it('parses both dumps and the table; refuses an output without the end marker', () => {
    const r = parseKeepalivedReading({
      exitCode: 0, stderr: '',
      stdout: output({ pid: '812\n', [`dump ${VRRP_DUMP}`]: fixture('master-healthy.data'), [`dump ${CHECK_DUMP}`]: fixture('master-healthy.check.data'), save: TABLE, end: '' }),
    });
    assert.ok(r.running);
    assert.equal(r.pid, 812);
    assert.equal(r.vrrp?.instances[0].state, 'MASTER');
    assert.equal(r.check?.virtualServers[0].realServers.length, 2);
    assert.equal(r.table.services[0].realServers.length, 2);
    assert.throws(() => parseKeepalivedReading({ exitCode: 0, stderr: '', stdout: output({ pid: '812\n', save: TABLE }) }), /cut/);
  });

  it('keepalived not running: an error naming the host, the pid file and the command', async () => {
    const run = async <T>(_host: string, command: RemoteCommand<T>): Promise<T> => command.parse({ exitCode: 0, stderr: '', stdout: '@@lvsctl-section notrunning\n' });
    await assert.rejects(readKeepalivedStatus(run, 'director2'), (err: unknown) => {
      assert.ok(err instanceof KeepalivedNotRunningError);
      assert.equal(err.host, 'director2');
      assert.match(err.message, /^director2: keepalived is not running \(\/run\/keepalived\.pid names no live process\)/);
      assert.match(err.message, /command: sh -c 'kill -s \$\(keepalived --signum=DATA\)/);
      return true;
    });
  });
});

function reading(data: string, check: string, table: string): RunningReading {
  const r: KeepalivedReading = parseKeepalivedReading({ exitCode: 0, stderr: '', stdout: output({ pid: '1\n', [`dump ${VRRP_DUMP}`]: fixture(data), [`dump ${CHECK_DUMP}`]: fixture(check), save: table, end: '' }) });
  assert.ok(r.running);
  return r;
}

describe('the cluster status', () => {
  it('healthy pair: director MASTER holding the VIP, director2 BACKUP hearing it, rs1 and rs2 up on both', () => {
    const s = keepalivedClusterStatus(cluster, [
      { host: 'director', reading: reading('master-healthy.data', 'master-healthy.check.data', TABLE) },
      { host: 'director2', reading: reading('backup-healthy.data', 'backup-healthy.check.data', TABLE) },
    ]);
    assert.deepEqual(s.masters, ['director']);
    assert.deepEqual(s.directors.map((d) => [d.host, d.role, d.priority, d.heldVips, d.masterRouter]), [
      ['director', 'MASTER', 150, ['10.116.0.201'], undefined], ['director2', 'BACKUP', 140, [], '10.116.0.10']]);
    assert.equal(s.services.length, 1);
    assert.equal(s.services[0].label, 'tcp 10.116.0.201:80 (http)');
    assert.deepEqual(s.services[0].realServers.map((r) => [r.name, r.verdicts.map((v) => `${v.director}:${v.verdict}:${v.inTable}`)]), [
      ['rs1', ['director:up:true', 'director2:up:true']], ['rs2', ['director:up:true', 'director2:up:true']]]);
  });

  it('rs1 down: verdict down with the failed check, out of the table; a director that cannot be read keeps its error', () => {
    const s = keepalivedClusterStatus(cluster, [
      { host: 'director', reading: reading('master-rs1-refused.data', 'master-rs1-refused.check.data', TABLE_RS2) },
      { host: 'director2', error: 'director2: keepalived is not running' },
    ]);
    const [rs1, rs2] = s.services[0].realServers;
    assert.deepEqual(rs1.verdicts, [{ director: 'director', verdict: 'down', inTable: false, detail: 'HTTP_GET / failed' }]);
    assert.deepEqual(rs2.verdicts, [{ director: 'director', verdict: 'up', inTable: true }]);
    assert.deepEqual(s.directors[1], { host: 'director2', error: 'director2: keepalived is not running', heldVips: [] });
  });

  it('a keepalived without the cluster\'s instance or service: said, not guessed', () => {
    const other = validateClusterFile(LAB_HA.replace('name: lab-ha', 'name: other-ha').replace('vip: 10.116.0.201', 'vip: 10.116.0.209')).model.clusters[0];
    const s = keepalivedClusterStatus(other, [{ host: 'director', reading: reading('master-healthy.data', 'master-healthy.check.data', TABLE) }]);
    assert.equal(s.directors[0].role, undefined);
    assert.match(s.directors[0].error ?? '', /without the VRRP instance other-ha/);
    assert.equal(s.services[0].realServers[0].verdicts[0].verdict, 'unknown');
  });

  it('readKeepalivedCluster reads each director once, in the file\'s order, and keeps each one\'s error', async () => {
    const calls: string[] = [];
    const s = await readKeepalivedCluster(async (host) => {
      calls.push(host);
      if (host === 'director2') throw new Error('director2: connection refused');
      return reading('master-healthy.data', 'master-healthy.check.data', TABLE);
    }, cluster);
    assert.deepEqual(calls.sort(), ['director', 'director2']);
    assert.deepEqual(s.directors.map((d) => [d.host, d.role, d.error]), [['director', 'MASTER', undefined], ['director2', undefined, 'director2: connection refused']]);
  });
});

describe('the Clusters tree\'s view of a keepalived cluster', () => {
  it('reachable = keepalived read; presence and weights from the table keepalived built; never drift', () => {
    const sel = loadClusterText(LAB_HA, undefined);
    assert.ok(sel.ok);
    const v = keepalivedLiveView(sel.loaded, [
      { host: 'director', reading: reading('master-rs1-refused.data', 'master-rs1-refused.check.data', TABLE_RS2) },
      { host: 'director2', error: 'director2: keepalived is not running' },
    ]);
    assert.equal(v.reachable, 1);
    assert.equal(v.drift, false);
    assert.deepEqual(v.directors.map((d) => [d.host, d.reachable, d.changes]), [['director', true, 0], ['director2', false, 0]]);
    assert.equal(v.services.get('tcp:10.116.0.201:80')?.presentOn, 1);
    assert.deepEqual(v.servers.get(serverViewKey('tcp:10.116.0.201:80', '10.116.0.11:80'))?.weights, []);
    assert.deepEqual(v.servers.get(serverViewKey('tcp:10.116.0.201:80', '10.116.0.12:80'))?.weights, [1]);
    const s = keepalivedClusterStatus(cluster, [{ host: 'director', reading: reading('master-healthy.data', 'master-healthy.check.data', TABLE) }]);
    assert.deepEqual([s.services[0].service, s.services[0].realServers.map((r) => r.server)], ['tcp:10.116.0.201:80', ['10.116.0.11:80', '10.116.0.12:80']]);
  });
});
