/** A director's live state: the one script's sectioned output parsed into table, counters, timeouts, sysctls, managed keys. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLiveState } from '../../src/core/apply/liveState';
import { readIpvsFixture } from '../support/ipvsFixtures';

test('live state: one script output parsed into table (thresholds merged), counters, sysctls, managed', () => {
  const mark = '@@lvsctl-section';
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
