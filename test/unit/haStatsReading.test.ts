/**
 * The keepalived director's statistics reading: counters and keepalived's state in ONE exec
 * (src/core/stats/haStatsReading.ts), on the lab's real keepalived dumps and the ipvs fixtures.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHECK_DUMP, VRRP_DUMP } from '../../src/core/keepalived/keepalivedStatusRead';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { haStatsReadingCommand, parseHaStatsReading, type HaStatsReading } from '../../src/core/stats/haStatsReading';
import { drOutput, runWithFakeIpvsadm } from '../support/statsReadingText';

const dir = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'keepalived', 'status')).find((p) => existsSync(p)) ?? '';
const dump = (name: string): string => readFileSync(join(dir, name), 'utf8');
const TABLE = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';

function keepalivedOutput(data: string, check: string): string {
  return [['pid', '812\n'], [`dump ${VRRP_DUMP}`, dump(data)], [`dump ${CHECK_DUMP}`, dump(check)], ['save', TABLE], ['end', '']]
    .map(([k, v]) => `@@lvsctl-section ${k}\n${v}`).join('');
}

describe('keepalived director reading (counters + keepalived state, one exec)', () => {
  test('one sh -c script: the counters\' listings, then keepalived\'s status script in a subshell; privileged', () => {
    const cmd = haStatsReadingCommand();
    assert.deepEqual(cmd.argv.slice(0, 2), ['sh', '-c']);
    assert.equal(cmd.argv.length, 3);
    const script = cmd.argv[2];
    assert.match(script, /ipvsadm -Ln --stats --exact/);
    assert.match(script, /keepalived --signum=DATA/);
    assert.ok(script.indexOf('--stats') < script.indexOf('--signum=DATA'));
    assert.match(script, /\n\(\n[\s\S]*\n\)$/);
    assert.equal(cmd.privileged, true);
  });

  test('parses both parts from one output: counters, and the MASTER role, VIP held, rs1 down', () => {
    const r = parseHaStatsReading({ exitCode: 0, stderr: '', stdout: drOutput() + keepalivedOutput('master-rs1-refused.data', 'master-rs1-refused.check.data') });
    assert.equal(r.stats.services[0].realServers.length, 2);
    assert.ok('reading' in r.keepalived);
    const k = r.keepalived.reading;
    assert.equal(k.vrrp?.instances[0].state, 'MASTER');
    assert.deepEqual(k.vrrp?.instances[0].addresses.filter((a) => a.held).map((a) => a.address.replace(/\/\d+$/, '')), ['10.116.0.201']);
    const rs1 = k.check?.virtualServers[0].realServers.find((s) => s.address === '10.116.0.11');
    assert.equal(rs1?.alive, false);
  });

  test('keepalived\'s part failing keeps the counters and says why', () => {
    const cut = parseHaStatsReading({ exitCode: 1, stderr: 'keepalived (pid 812) did not finish writing its data dumps', stdout: `${drOutput()}@@lvsctl-section pid\n812\n` });
    assert.equal(cut.stats.services[0].realServers.length, 2);
    assert.ok('error' in cut.keepalived);
    assert.match(cut.keepalived.error, /cut \(no end marker\): keepalived \(pid 812\) did not finish/);
    const off = parseHaStatsReading({ exitCode: 0, stderr: '', stdout: `${drOutput()}@@lvsctl-section notrunning\n` });
    assert.deepEqual(off.keepalived, { error: 'keepalived is not running (/run/keepalived.pid names no live process)' });
  });

  // The unit tier's machine runs no keepalived (its /run/keepalived.pid is absent): the real script says so.
  test('the real script run by a local sh (fake ipvsadm, no keepalived here): counters read, keepalived not running', () => {
    const cmd = haStatsReadingCommand();
    const stdout = runWithFakeIpvsadm(cmd.argv);
    const r = cmd.parse({ stdout, stderr: '', exitCode: 0 });
    assert.equal(r.list.table.services[0].scheduler, 'rr');
    assert.ok('error' in r.keepalived && /not running/.test(r.keepalived.error));
  });

  test('a tick of two directors is two execs, each bringing counters and keepalived\'s state', async () => {
    const execs: string[] = [];
    const run = async <T>(host: string, command: RemoteCommand<T>): Promise<T> => {
      execs.push(host);
      const k = host === 'director' ? keepalivedOutput('master-healthy.data', 'master-healthy.check.data') : keepalivedOutput('backup-healthy.data', 'backup-healthy.check.data');
      return command.parse({ exitCode: 0, stderr: '', stdout: drOutput() + k });
    };
    const readings: HaStatsReading[] = await Promise.all(['director', 'director2'].map((h) => run(h, haStatsReadingCommand())));
    assert.deepEqual(execs, ['director', 'director2']);
    assert.deepEqual(readings.map((r) => ('reading' in r.keepalived ? r.keepalived.reading.vrrp?.instances[0].state : r.keepalived.error)), ['MASTER', 'BACKUP']);
    assert.ok(readings.every((r) => r.stats.services.length > 0));
  });
});
