/** The cheap read back (src/core/apply/procReadback.ts): which plans /proc/net/ip_vs can prove, and the verdict. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { procProvable, procReadback } from '../../src/core/apply/procReadback';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { applyCommands } from '../../src/core/ipvs/ipvsEngine';
import type { IpvsTable } from '../../src/core/ipvs/types';
import { tableRulesText } from '../../src/core/plan/ipvsadmLines';
import { planTable } from '../../src/core/plan/planTable';

function table(text: string): IpvsTable {
  const r = parseRules(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.table;
}

const DESIRED = `-A -u 10.1.1.1:53 -s rr -o
-A -t 10.1.1.2:80 -s sh -b sh-port
-a -t 10.1.1.2:80 -r 10.116.0.12:80 -g -w 2
-A -t 10.1.1.1:80 -s wlc -p 120 -M 255.255.255.0
-a -t 10.1.1.1:80 -r 10.116.0.12:80 -i -w 0
-a -t 10.1.1.1:80 -r 10.116.0.11:8080 -m -w 3
`;

// Captured on the lab's director (Linux 6.1) after exactly these lines.
const PROC = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
UDP  0A010101:0035 rr ops  
TCP  0A010102:0050 sh  
  -> 0A74000C:0050      Route   2      0          0         
TCP  0A010101:0050 wlc  persistent 30000 FFFFFF00
  -> 0A74000C:0050      Tunnel  0      0          0         
  -> 0A74000B:1F90      Masq    3      1          4         
`;

test('/proc/net/ip_vs proves a batch from empty: the expected table, with the counters it shows', () => {
  const desired = table(DESIRED);
  const plan = planTable(desired, { table: { services: [] } });
  assert.equal(procProvable({ services: [] }, plan), true);
  const expected = applyCommands({ services: [] }, plan.steps.map((s) => s.command)).table;
  const r = procReadback(plan, expected, PROC);
  assert.ok(r);
  assert.equal(tableRulesText(r.table), tableRulesText(desired));
  assert.deepEqual([...r.counters.values()].find((c) => c.activeConn === 1), { activeConn: 1, inactConn: 4 });
});

test('anything that differs is not proven (a refused line: the full state names it)', () => {
  const desired = table(DESIRED);
  const plan = planTable(desired, { table: { services: [] } });
  const expected = applyCommands({ services: [] }, plan.steps.map((s) => s.command)).table;
  assert.equal(procReadback(plan, expected, PROC.replace('Masq    3', 'Masq    2')), undefined);
  assert.equal(procReadback(plan, expected, PROC.replace('  -> 0A74000C:0050      Route   2      0          0         \n', '')), undefined);
  assert.equal(procReadback(plan, expected, PROC.replace('FFFFFF00', 'FFFFFFFF')), undefined);
  assert.equal(procReadback(plan, expected, PROC.replace('UDP  0A010101:0035 rr ops  \n', '')), undefined);
});

test('steps /proc cannot show are never judged from it: thresholds, tunnel type, -b flags, a persistence timeout, IPv6, fwmark', () => {
  const live = table(DESIRED);
  const cases = [
    DESIRED.replace('10.116.0.11:8080 -m -w 3', '10.116.0.11:8080 -m -w 3 -x 50 -y 5'),
    DESIRED.replace('-i -w 0', '-i -w 0 --tun-type gue --tun-port 6080'),
    DESIRED.replace('-s sh -b sh-port', '-s sh -b sh-fallback'),
    DESIRED.replace('-p 120', '-p 300'),
    `${DESIRED}-A -t [2001:db8::1]:80 -s rr\n`,
    `${DESIRED}-A -f 7 -s rr\n`,
  ];
  for (const text of cases) assert.equal(procProvable(live, planTable(table(text), { table: live }, { managed: new Set() })), false, text);
  // A weight change shows.
  assert.equal(procProvable(live, planTable(table(DESIRED.replace('-m -w 3', '-m -w 4')), { table: live })), true);
});
