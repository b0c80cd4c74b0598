/** What apply syncs besides the table: the IPVS sysctls that differ (sysctlSync.ts) and the boot rules file, found by os-release and written with thresholds (remoteFiles.ts, ipvsadmLines.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRulesFileTarget } from '../../src/core/apply/remoteFiles';
import { sysctlChanges } from '../../src/core/apply/sysctlSync';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import { rulesTable } from '../support/ipvsFixtures';

const BASE = `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 1
`;

test('sysctls: only differing ones; boot rules file by os-release; rules file text has thresholds', () => {
  assert.deepEqual(sysctlChanges({ expire_nodest_conn: 1, conntrack: 0 }, { expire_nodest_conn: 0, conntrack: 0 }), [{ name: 'expire_nodest_conn', from: 0, to: 1 }]);
  assert.equal(parseRulesFileTarget({ stdout: 'ID=debian\n', stderr: '', exitCode: 0 }).path, '/etc/ipvsadm.rules');
  assert.equal(parseRulesFileTarget({ stdout: 'ID="rocky"\nID_LIKE="rhel centos fedora"\n', stderr: '', exitCode: 0 }).path, '/etc/sysconfig/ipvsadm');
  assert.equal(parseRulesFileTarget({ stdout: 'exists /etc/sysconfig/ipvsadm\nID=debian\n', stderr: '', exitCode: 0 }).path, '/etc/sysconfig/ipvsadm');
  const t = rulesTable(BASE.replace('10.0.1.1:80 -g -w 1', '10.0.1.1:80 -g -w 1 -x 9 -y 3'));
  assert.match(tableRulesText(t), /-a -t 10\.0\.0\.1:80 -r 10\.0\.1\.1:80 -g -w 1 -x 9 -y 3\n/);
  assert.equal(renderRules(rulesTable(tableRulesText(t))), renderRules(t));
});
