/**
 * lvsctl import --keepalived on the real lab: lab-ha (lab/out/lvs-ha.yaml) prepared and applied, so both
 * directors run the keepalived.conf lvsctl rendered; an include with one more virtual server is added to both
 * (files only, keepalived not reloaded). The import from the live directors over SSH gives back lab-ha: the same
 * VIP, real servers, health checks, VRRP settings and priorities, plus the included service (warned: its address
 * is in no virtual_ipaddress). Each director is read in at most 3 execs (the file, the include's folder, its files).
 * The imported file's rendering passes the directors' own `keepalived -t`; a variant keepalived refuses (an
 * interface director2 lacks) is not applied, and apply names the cluster-file line of the director. Every
 * import of Debian's sample corpus and of the hand-written pair renders configurations keepalived -t accepts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { importKeepalivedConfs } from '../../src/core/import/keepalivedImport';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { renderKeepalivedConf } from '../../src/core/keepalived/renderKeepalivedConf';
import { labExec, labRun, labSkipReason, resetLab, withLabLock, LAB_ADDR } from '../support/lab';
import type { LabHost } from '../support/lab';
import { labCliSuite, lvsctl } from '../support/labCli';

const skip = labSkipReason();
const DIRECTORS: LabHost[] = ['director', 'director2'];
const EXTRA = `virtual_server 10.116.0.202 8080 {\n    lvs_sched wlc\n    lvs_method DR\n    protocol TCP\n    real_server ${LAB_ADDR.rs1} 8080 {\n        weight 4\n        TCP_CHECK {\n            connect_timeout 2\n        }\n    }\n}\n`;

function model(text: string): ClusterFile {
  const v = validateClusterFile(text);
  assert.deepEqual(v.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return v.model;
}

describe('lvsctl import --keepalived on the lab', { skip }, () => {
  const cli = labCliSuite('import-keepalived');

  test('apply lab-ha, add an include, import from both live directors → the same cluster, plus the included service', async () => {
    await withLabLock(async () => {
      await resetLab();
      const haFile = join(dirname(cli.lab.lvsYaml), 'lvs-ha.yaml');
      const prep = await lvsctl(['prepare', haFile, '--no-persist', ...cli.trustArgs()]);
      assert.equal(prep.code, 0, `${prep.stdout}\n${prep.stderr}`);
      const apply = await lvsctl(['apply', haFile, '--yes', ...cli.trustArgs()]);
      assert.equal(apply.code, 0, `${apply.stdout}\n${apply.stderr}`);
      for (const d of DIRECTORS) {
        await labRun(d, 'mkdir -p /etc/keepalived/conf.d && cat > /etc/keepalived/conf.d/extra.conf && echo "include conf.d/*.conf" >> /etc/keepalived/keepalived.conf', { input: EXTRA });
      }

      const file = join(cli.dir, 'imported.yaml');
      const imp = await lvsctl(['import', '--keepalived', '--director', 'director', '--director', 'director2', '--ssh-config', cli.lab.sshConfig, '-o', file, '--verbose', ...cli.trustArgs()]);
      assert.equal(imp.code, 0, imp.stderr);
      const execs = [...imp.stderr.matchAll(/^debug: (\S+): exec /gm)].map((m) => m[1]);
      for (const d of DIRECTORS) {
        const n = execs.filter((h) => h === d).length;
        assert.ok(n >= 1 && n <= 3, `${d} read in ${n} execs:\n${imp.stderr}`);
      }
      process.stdout.write(`# import --keepalived: ${execs.length} execs for 2 directors (one include level)\n`);
      assert.match(imp.stderr, /warning: director:\/etc\/keepalived\/conf\.d\/extra\.conf:1: virtual_server 10\.116\.0\.202 8080 \(TCP\): its address is in no virtual_ipaddress/);

      const text = readFileSync(file, 'utf8');
      const imported = model(text);
      const original = model(readFileSync(haFile, 'utf8'));
      assert.equal(imported.clusters.length, 1);
      const [a, b] = [original.clusters[0], imported.clusters[0]];
      assert.equal(b.name, 'lab-ha');
      assert.equal(b.engine, 'keepalived');
      assert.deepEqual(b.vrrp, a.vrrp);
      assert.deepEqual(b.directors.map((d) => [d.host, d.interface, d.priority]), a.directors.map((d) => [d.host, d.interface, d.priority]));
      assert.deepEqual(imported.hosts.filter((h) => DIRECTORS.includes(h.name as LabHost)).map((h) => [h.name, h.addresses, h.ssh.host, h.ssh.port]),
        original.hosts.filter((h) => DIRECTORS.includes(h.name as LabHost)).map((h) => [h.name, h.addresses, h.ssh.host, h.ssh.port]), 'reached the way the import reached them');
      const http = (m: ClusterFile): unknown => m.clusters[0].services.filter((s) => s.port === 80).map((s) => ({
        vip: s.vip, protocol: s.protocol, scheduler: s.scheduler,
        realServers: s.realServers.map((rs) => ({ address: rs.address, port: rs.port, method: rs.method, weight: rs.weight, check: rs.healthCheck })),
      }));
      assert.deepEqual(http(imported), http(original));
      const extra = b.services.find((s) => s.vip === '10.116.0.202');
      assert.deepEqual(extra?.realServers.map((rs) => [rs.address, rs.port, rs.weight, rs.healthCheck?.type, rs.healthCheck?.timeout, rs.healthCheck?.interval]), [[LAB_ADDR.rs1, 8080, 4, 'tcp', 2, 60]]);

      // The imported file renders configurations the directors' keepalived accepts.
      for (const d of DIRECTORS) {
        const conf = renderKeepalivedConf({ model: imported, cluster: 'lab-ha', director: d, sourceLabel: 'imported.yaml' });
        const checked = await labExec(d, 'cat > /tmp/imported.conf && keepalived -t -f /tmp/imported.conf; rc=$?; rm -f /tmp/imported.conf; exit $rc', { input: conf });
        assert.equal(checked.code, 0, `${d}: keepalived -t refused the imported rendering:\n${checked.stdout}\n${checked.stderr}`);
      }

      // A file keepalived refuses (director2 on an interface it lacks): apply changes nothing and names the cluster-file line.
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.includes('- host: director2'));
      assert.ok(at >= 0 && lines[at + 1].includes('interface: eth0'), text);
      lines[at + 1] = lines[at + 1].replace('eth0', 'eth9');
      const bad = join(cli.dir, 'refused-ha.yaml');
      writeFileSync(bad, lines.join('\n'));
      const before = await labRun('director2', 'cat /etc/keepalived/keepalived.conf');
      const refused = await lvsctl(['apply', bad, '--yes', ...cli.trustArgs()]);
      assert.equal(refused.code, 4, `${refused.stdout}\n${refused.stderr}`);
      process.stdout.write(`# refused apply: ${refused.stdout.split('\n').filter((l) => l.includes(' ← ')).map((l) => l.trim()).join(' | ')}\n`);
      assert.match(refused.stdout, new RegExp(`in the cluster file:\\n(?: {4}.*\\n)* {4}keepalived\\.conf line \\d+ "interface eth9": .*eth9.* ← cluster file line ${at + 1} \\(director director2\\)`), refused.stdout);
      assert.equal(await labRun('director2', 'cat /etc/keepalived/keepalived.conf'), before, 'nothing changed on director2');
    });
  });

  test('the corpus and the hand-written pair: every imported cluster renders configurations the lab\'s keepalived -t accepts', async () => {
    const fixtures = resolve(__dirname, '../../../test/fixtures/keepalived');
    const fs = {
      readDir: (p: string) => { try { return readdirSync(p); } catch { return undefined; } },
      isDirectory: (p: string) => { try { return statSync(p).isDirectory(); } catch { return false; } },
      readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
    };
    const inputs = readdirSync(join(fixtures, 'samples')).filter((f) => f.startsWith('keepalived.conf')).map((f) => [join(fixtures, 'samples', f)]);
    inputs.push(['lvs1.conf', 'lvs2.conf'].map((f) => join(fixtures, 'import/pair', f)));
    let checked = 0;
    for (const files of inputs) {
      const r = importKeepalivedConfs(files.map((p) => ({ path: p, text: readFileSync(p, 'utf8'), fs })), []);
      const m = model(r.text);
      for (const c of m.clusters) {
        for (const d of c.directors) {
          const conf = renderKeepalivedConf({ model: m, cluster: c.name, director: d.host, sourceLabel: 'imported.yaml' });
          const x = await labExec('director', 'cat > /tmp/imported.conf && keepalived -t -f /tmp/imported.conf; rc=$?; rm -f /tmp/imported.conf; exit $rc', { input: conf });
          assert.equal(x.code, 0, `${files.join(' ')} → ${c.name}/${d.host}: keepalived -t exit ${x.code}\n${x.stderr}\n${conf}`);
          checked++;
        }
      }
    }
    process.stdout.write(`# keepalived -t accepted ${checked} rendered configurations of ${inputs.length} imports\n`);
    assert.equal(checked, 15, '13 corpus clusters + the pair\'s two directors');
  });
});
