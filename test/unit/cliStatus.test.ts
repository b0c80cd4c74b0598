/**
 * `lvsctl status`: registered with its help, usage errors, a file with errors, and the text it prints for a
 * keepalived cluster built from the lab's captured dumps (the live run is test/lab/keepalivedStatus.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/lvsctl';
import { keepalivedStatusText } from '../../src/cli/statusCommand';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { keepalivedClusterStatus } from '../../src/core/keepalived/keepalivedClusterStatus';
import { CHECK_DUMP, parseKeepalivedReading, VRRP_DUMP, type RunningReading } from '../../src/core/keepalived/keepalivedStatusRead';
import { LAB_HA } from '../builders/keepalivedFiles';

const dir = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'keepalived', 'status')).find((p) => existsSync(p)) ?? '';
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'cli-status-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function reading(data: string, check: string, table: string): RunningReading {
  const out = `@@lvsctl-section pid\n1\n@@lvsctl-section dump ${VRRP_DUMP}\n${fixture(data)}@@lvsctl-section dump ${CHECK_DUMP}\n${fixture(check)}@@lvsctl-section save\n${table}@@lvsctl-section end\n`;
  const r = parseKeepalivedReading({ exitCode: 0, stderr: '', stdout: out });
  assert.ok(r.running);
  return r;
}

describe('lvsctl status', () => {
  it('is listed in lvsctl --help and has its own --help', async () => {
    const help = await run('--help');
    assert.match(help.stdout, /^ {2}status +what runs now: VRRP roles and checker verdicts/m);
    const own = await run('status', '--help');
    assert.equal(own.code, 0);
    assert.match(own.stdout, /^Usage: lvsctl status FILE \[--cluster NAME\] \[--json\]/);
  });

  it('wrong usage exits 2; a file with errors exits 1 without touching a host', async () => {
    assert.equal((await run('status')).code, 2);
    assert.equal((await run('status', 'a.yaml', 'b.yaml')).code, 2);
    const bad = join(scratch, 'bad.lvs.yaml');
    writeFileSync(bad, 'version: 1\nclusters:\n  - name: x\n    directors: [{ host: nowhere }]\n    services: []\n');
    const r = await run('status', bad);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /has errors; nothing was done/);
    assert.equal((await run('status', join(scratch, 'missing.yaml'))).code, 2);
  });

  it('text: roles, priorities, the VIP holder, the master heard, verdicts with the failed check and the table', () => {
    const cluster = validateClusterFile(LAB_HA).model.clusters[0];
    const table = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';
    const text = keepalivedStatusText(keepalivedClusterStatus(cluster, [
      { host: 'director', reading: reading('master-rs1-refused.data', 'master-rs1-refused.check.data', table) },
      { host: 'director2', reading: reading('backup-healthy.data', 'backup-rs1-down.check.data', table) },
    ]));
    assert.equal(text, [
      'cluster lab-ha (engine keepalived)',
      '  director   MASTER  priority 150  holds 10.116.0.201  since 2026-12-02 16:26:57 UTC',
      '  director2  BACKUP  priority 140  master 10.116.0.10  since 2026-12-02 16:26:55 UTC',
      '  tcp 10.116.0.201:80 (http)',
      '    rs1  10.116.0.11:80  director: DOWN (HTTP_GET / failed), out of the table · director2: DOWN (HTTP_GET / failed), out of the table',
      '    rs2  10.116.0.12:80  director: UP, in the table · director2: UP, in the table',
      '',
    ].join('\n'));
  });

  it('text: no MASTER and two MASTERs are called out', () => {
    const cluster = validateClusterFile(LAB_HA).model.clusters[0];
    const t = '-A -t 10.116.0.201:80 -s rr\n';
    const none = keepalivedStatusText(keepalivedClusterStatus(cluster, [
      { host: 'director', reading: reading('director-fault-link-down.data', 'master-healthy.check.data', t) },
      { host: 'director2', reading: reading('backup-healthy.data', 'backup-healthy.check.data', t) },
    ]));
    assert.match(none, /! no director is MASTER: the VIPs are not served/);
    const two = keepalivedStatusText(keepalivedClusterStatus(cluster, [
      { host: 'director', reading: reading('master-healthy.data', 'master-healthy.check.data', t) },
      { host: 'director2', reading: reading('director2-master-after-failover.data', 'backup-healthy.check.data', t) },
    ]));
    assert.match(two, /! 2 directors are MASTER \(director, director2\): split brain/);
  });
});
