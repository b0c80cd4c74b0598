/** The batch's verdict: which steps took effect on the kernel, and ipvsadm's messages paired with the failed lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchMessages, judgeBatch } from '../../src/core/apply/restoreBatch';
import { applyCommands } from '../../src/core/ipvs/ipvsEngine';
import { planTable } from '../../src/core/plan/planTable';
import { rulesTable } from '../support/ipvsFixtures';

const BASE = `-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1
-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 1
`;

test('batch verdict: every step whose effect is missing is a failed line, messages pair in order', () => {
  const p = planTable(rulesTable(BASE + '-A -t 10.0.0.2:80 -s rr\n-a -t 10.0.0.2:80 -r 224.0.0.1:80 -g -w 1\n-A -t 10.0.0.3:80 -s rr\n'), { table: rulesTable('') });
  const cmds = p.steps.map((s) => s.command).filter((c) => !(c.kind === 'add-server' && c.server.address === '224.0.0.1'));
  const after = applyCommands({ services: [] }, cmds).table;
  const v = judgeBatch(p.steps, after);
  assert.equal(v.failed.length, 1);
  assert.match(p.steps[v.failed[0]].line, /224\.0\.0\.1/);
  assert.deepEqual(batchMessages("Invalid operation.  Possibly wrong module version, address not unicast, ...\n"), ['Invalid operation.  Possibly wrong module version, address not unicast, ...']);
  assert.deepEqual(batchMessages("ipvsadm: bad\nTry `ipvsadm -h' or 'ipvsadm --help' for more information.\n"), ['ipvsadm: bad']);
});
