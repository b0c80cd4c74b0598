/** `lvsctl plan --live SNAPSHOT`: the plan as text and JSON without SSH, and --detailed-exitcode. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/lvsctl';

test('lvsctl plan --live SNAPSHOT: text and JSON without SSH; --detailed-exitcode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvs-plan-'));
  writeFileSync(join(dir, 'lvs.yaml'), `version: 1
hosts:
  - { name: director, address: 10.116.0.10, interface: eth0 }
  - { name: rs1, address: 10.116.0.11 }
  - { name: rs2, address: 10.116.0.12 }
clusters:
  - name: lab-web
    directors: [{ host: director }]
    services:
      - { protocol: tcp, vip: 10.116.0.200, port: 80, scheduler: rr, realServers: [{ host: rs1, weight: 2 }, { host: rs2 }] }
`);
  writeFileSync(join(dir, 'live.rules'), '-A -t 10.116.0.200:80 -s rr\n-a -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 1\n-a -t 10.116.0.200:80 -r 10.116.0.12:80 -g -w 1\n');
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir };
  assert.equal(await main(['plan', 'lvs.yaml', '--live', 'live.rules', '--json'], io), 0, err);
  const json = JSON.parse(out) as { directors: { host: string; steps: { op: string; line: string }[] }[] };
  assert.deepEqual(json.directors[0].steps, [{ op: 'edit-server', line: '-e -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 2 -x 0 -y 0', service: 'tcp:10.116.0.200:80', server: '10.116.0.11:80', changes: [{ field: 'weight', from: '1', to: '2' }] }]);
  out = '';
  assert.equal(await main(['plan', 'lvs.yaml', '--live', 'live.rules', '--detailed-exitcode'], io), 3);
  assert.match(out, /^director:\n {2}~ edit real server 10\.116\.0\.11:80 of tcp:10\.116\.0\.200:80: weight 1 → 2$/m);
  assert.equal(await main(['apply', 'lvs.yaml', '--drain-timeout', 'x'], io), 2);
});
