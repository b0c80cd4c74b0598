/**
 * Moving a live cluster from engine ipvsadm to engine keepalived on the lab, under client traffic: `lab-web`
 * (one director, VIP 10.116.0.200:80, rs1/rs2 DR) prepared and applied by the ipvsadm engine, then the same
 * cluster with `engine: keepalived`, a VRRP instance and a TCP check applied while the client sends requests.
 * keepalived 2.2.7 adopts the services and the VIP it finds (it neither deletes nor re-adds them), so no
 * request fails; its checker then owns the table (rs1's web server stopped → rs1 leaves it); a re-plan is
 * empty. The lone director's keepalived.conf has no unicast keywords (keepalived -t refuses them without a peer).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const VIP = LAB_ADDR.vip;

describe('engine switch ipvsadm → keepalived on the lab (lab-web)', { skip }, () => {
  const cli = labCliSuite('keepalived-switch');

  test('under traffic: no request fails, keepalived adopts the table and its checker owns it, re-plan empty', async () => {
    await withLabLock(async () => {
      await resetLab();
      const ipvsadmFile = cli.clusterFile('dr');
      const prep = await lvsctl(['prepare', ipvsadmFile, '--no-persist', ...cli.trustArgs()]);
      assert.equal(prep.code, 0, `${prep.stdout}\n${prep.stderr}`);
      const first = await lvsctl(['apply', ipvsadmFile, '--yes', ...cli.trustArgs()]);
      assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);

      const kaFile = join(cli.dir, 'lab-web-keepalived.lvs.yaml');
      const text = readFileSync(ipvsadmFile, 'utf8')
        .replace(/^  - name: lab-web$/m, '  - name: lab-web\n    engine: keepalived\n    vrrp: { virtualRouterId: 50, advertInterval: 1 }')
        .replace(/^        scheduler: rr$/m, '        scheduler: rr\n        healthCheck: { type: tcp, interval: 1, timeout: 1, retries: 1, retryDelay: 1 }');
      assert.match(text, /engine: keepalived/);
      assert.match(text, /healthCheck: \{ type: tcp/);
      writeFileSync(kaFile, text);

      // 120 requests at 10/s, each stamped with its code; the switch happens in the middle.
      const load = labRun('client', `curl -s -o /dev/null --rate 10/s --connect-timeout 1 -m 2 -w '%{http_code}\\n' 'http://${VIP}/?[1-120]'`, { timeoutMs: 180_000 });
      await new Promise((r) => setTimeout(r, 2000));
      const sw = await lvsctl(['apply', kaFile, '--yes', ...cli.trustArgs()]);
      assert.equal(sw.code, 0, `${sw.stdout}\n${sw.stderr}`);
      assert.match(sw.stdout, /director: applied \(keepalived started\)/, sw.stdout);
      const codes = (await load).trim().split('\n');
      const failed = codes.filter((c) => c !== '200').length;
      process.stdout.write(`# engine switch ipvsadm → keepalived: ${failed} of ${codes.length} requests failed\n`);
      assert.equal(codes.length, 120);
      assert.equal(failed, 0, `requests that failed across the switch: ${failed}`);

      const conf = await labRun('director', 'cat /etc/keepalived/keepalived.conf');
      assert.doesNotMatch(conf, /unicast_src_ip|unicast_peer/, 'a lone director advertises without unicast keywords');
      // keepalived's checker owns the adopted table.
      const pid = /pid=(\d+)/.exec(await labRun('rs1', 'ss -Hltnp "sport = :80"'))?.[1];
      assert.ok(pid, 'rs1 serves');
      await labRun('rs1', `kill ${pid}`);
      await labRun('director', `for i in $(seq 60); do ipvsadm -Ln -t ${VIP}:80 | grep -q '${LAB_ADDR.rs1}:80' || exit 0; sleep 0.25; done; exit 1`, { timeoutMs: 60_000 });
      await labRun('rs1', 'busybox httpd -p 80 -h /var/www/html');
      await labRun('director', `for i in $(seq 60); do ipvsadm -Ln -t ${VIP}:80 | grep -q '${LAB_ADDR.rs1}:80' && exit 0; sleep 0.25; done; exit 1`, { timeoutMs: 60_000 });
      const plan = await lvsctl(['plan', kaFile, '--detailed-exitcode', ...cli.trustArgs()]);
      assert.equal(plan.code, 0, plan.stdout);
      await resetLab();
    });
  });
});
