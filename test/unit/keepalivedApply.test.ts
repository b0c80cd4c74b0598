/**
 * The keepalived engine's plan and apply logic with a scripted director (the real thing runs in the lab:
 * test/lab/keepalivedHa.test.ts): the unified diff, the live-state parser, the plan's verdicts (hand-written
 * file, keepalived not running), the read back's rules, and the apply's order: check everywhere before any
 * swap, nothing changed when one director refuses, restore when the read back fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeldLock } from '../../src/core/apply/remoteLock';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { applyKeepalivedCluster, compareKeepalivedTable, vipHolders, type KeepalivedLink } from '../../src/core/keepalived/applyKeepalivedCluster';
import { keepalivedPlanHasChanges, normaliseConf, planKeepalivedDirector } from '../../src/core/keepalived/keepalivedPlan';
import {
  bridgeVipsCommand, checkNewConfCommand, discardNewConfCommand, unbridgeVipsCommand, keepalivedLiveCommand, parseKeepalivedLive, reloadCommand, restoreConfCommand, swapConfCommand,
  writeNewConfCommand, type KeepalivedLive,
} from '../../src/core/keepalived/keepalivedRemote';
import { renderKeepalivedConf } from '../../src/core/keepalived/renderKeepalivedConf';
import { unifiedDiff } from '../../src/core/keepalived/unifiedDiff';
import type { RemoteCommand } from '../../src/core/ssh/remoteCommand';
import { LAB_HA } from '../builders/keepalivedFiles';

const model: ClusterFile = validateClusterFile(LAB_HA).model;
const cluster = model.clusters[0];
const TABLE = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.11:80 -g -w 1\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';

function live(over: Partial<KeepalivedLive> & { save?: string } = {}): KeepalivedLive {
  const { save, ...rest } = over;
  return { binary: '/usr/sbin/keepalived', pid: 42, systemd: false, table: parseRules(save ?? TABLE).table, tableDiagnostics: [], addresses: [], ...rest };
}

describe('unifiedDiff', () => {
  it('is empty for equal texts and numbers its hunks like diff -u', () => {
    assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { before: 'x', after: 'y' }), '');
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const changed = [...lines];
    changed[10] = 'L10';
    assert.equal(unifiedDiff(`${lines.join('\n')}\n`, `${changed.join('\n')}\n`, { before: 'x', after: 'y' }),
      '--- x\n+++ y\n@@ -8,7 +8,7 @@\n l7\n l8\n l9\n-l10\n+L10\n l11\n l12\n l13\n');
    assert.equal(unifiedDiff('', 'a\n', { before: 'x', after: 'y' }), '--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n');
  });
});

describe('keepalived live state and plan', () => {
  it('parses the one-exec live state', () => {
    const out = ['@@lvsctl-section conf', 'present', 'global_defs {', '}', '', '@@lvsctl-section bin', '/usr/sbin/keepalived',
      '@@lvsctl-section pid', '77', '@@lvsctl-section systemd', 'no', '@@lvsctl-section save', TABLE.trimEnd(),
      '@@lvsctl-section addr', '3: eth0    inet 10.116.0.201/32 scope global eth0\\       valid_lft forever', '1: lo    inet6 ::1/128 scope host',
      '@@lvsctl-section end', ''].join('\n');
    const l = parseKeepalivedLive({ stdout: out, stderr: '', exitCode: 0 });
    assert.equal(l.conf, 'global_defs {\n}\n', 'cat of a file ending in a newline, then echo');
    assert.deepEqual([l.binary, l.pid, l.systemd, l.table.services.length], ['/usr/sbin/keepalived', 77, false, 1]);
    assert.deepEqual(l.addresses, [{ dev: 'eth0', address: '10.116.0.201' }, { dev: 'lo', address: '::1' }]);
    const none = parseKeepalivedLive({ stdout: '@@lvsctl-section conf\nabsent\n@@lvsctl-section bin\nnone\n@@lvsctl-section pid\nnone\n', stderr: '', exitCode: 0 });
    assert.deepEqual([none.conf, none.binary, none.pid], [undefined, undefined, undefined]);
  });

  it('plans nothing for the rendered file (blanks aside), flags a hand-written file, starts a stopped keepalived', () => {
    const conf = renderKeepalivedConf({ model, cluster: 'lab-ha', director: 'director', sourceLabel: 'lvs-ha.yaml' });
    const same = planKeepalivedDirector(model, 'lab-ha', 'director', 'lvs-ha.yaml', live({ conf: conf.replace(/\n/g, '  \r\n') }));
    assert.deepEqual([same.confDiff, same.tableDiff, keepalivedPlanHasChanges(same)], ['', '', false]);
    const hand = planKeepalivedDirector(model, 'lab-ha', 'director', 'lvs-ha.yaml', live({ conf: 'global_defs {\n    router_id lb1\n}\n' }));
    assert.equal(hand.foreignConf, 'hand-written (no lvsctl header)');
    assert.match(hand.confDiff, /^-    router_id lb1$/m);
    const other = planKeepalivedDirector(model, 'lab-ha', 'director', 'lvs-ha.yaml', live({ conf: conf.replace('director=director', 'director=director2') }));
    assert.equal(other.foreignConf, 'lvsctl\'s for cluster lab-ha, director director2');
    const stopped = planKeepalivedDirector(model, 'lab-ha', 'director', 'lvs-ha.yaml', live({ conf, pid: undefined }));
    assert.deepEqual([stopped.confDiff, keepalivedPlanHasChanges(stopped)], ['', true]);
    assert.equal(normaliseConf('a \r\nb\n\n\n'), 'a\nb\n');
  });

  it('read back: a checked server may be out (or weight 0 with inhibitOnFailure); anything else is a problem', () => {
    const oneDown = parseRules('-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n').table;
    assert.deepEqual(compareKeepalivedTable(cluster, oneDown), { problems: [], down: ['tcp:10.116.0.201:80 10.116.0.11:80'] });
    const unchecked = validateClusterFile(LAB_HA.replace(/        healthCheck: .*\n/, '')).model.clusters[0];
    assert.deepEqual(compareKeepalivedTable(unchecked, oneDown).problems, ['service tcp:10.116.0.201:80: real server 10.116.0.11:80 is missing']);
    const inhibit = validateClusterFile(LAB_HA.replace('retryDelay: 1 }', 'retryDelay: 1, inhibitOnFailure: true }')).model.clusters[0];
    const weight0 = parseRules(TABLE.replace('10.116.0.11:80 -g -w 1', '10.116.0.11:80 -g -w 0')).table;
    assert.deepEqual(compareKeepalivedTable(inhibit, weight0), { problems: [], down: ['tcp:10.116.0.201:80 10.116.0.11:80'] });
    assert.deepEqual(compareKeepalivedTable(cluster, parseRules(TABLE.replace(' -s rr', ' -s wlc')).table).problems, ['service tcp:10.116.0.201:80: scheduler wlc, want rr']);
    assert.deepEqual(compareKeepalivedTable(cluster, parseRules('').table).problems, ['service tcp:10.116.0.201:80 is missing']);
  });
});

/** A scripted director: answers each command by its argv, records what ran. */
class FakeDirector implements KeepalivedLink {
  readonly ran: string[] = [];
  vip = false;
  constructor(readonly host: string, private readonly checkExit = 0) {}

  async run<T>(command: RemoteCommand<T>): Promise<T> {
    const name = this.nameOf(command);
    this.ran.push(name);
    const out = name === 'check' ? { stdout: '', stderr: this.checkExit ? '(Line 12) bad' : '', exitCode: this.checkExit }
      : name === 'live' ? { stdout: this.liveOutput(), stderr: '', exitCode: 0 }
        : name === 'reload' ? { stdout: 'started\n', stderr: '', exitCode: 0 } : { stdout: '', stderr: '', exitCode: 0 };
    return command.parse(out);
  }

  async lock(): Promise<HeldLock> {
    this.ran.push('lock');
    return { release: () => { this.ran.push('unlock'); }, lost: false };
  }

  private liveOutput(): string {
    return ['@@lvsctl-section pid', '9', '@@lvsctl-section save', TABLE.trimEnd(), '@@lvsctl-section addr',
      this.vip ? '3: eth0    inet 10.116.0.201/32 scope global eth0' : '', '@@lvsctl-section end', ''].join('\n');
  }

  private nameOf(c: RemoteCommand<unknown>): string {
    const same = (other: RemoteCommand<unknown>): boolean => JSON.stringify(other.argv) === JSON.stringify(c.argv);
    if (same(keepalivedLiveCommand())) return 'live';
    if (same(checkNewConfCommand())) return 'check';
    if (same(swapConfCommand())) return 'swap';
    if (same(reloadCommand())) return 'reload';
    if (same(reloadCommand(true))) return 'reload-or-stop';
    if (same(restoreConfCommand())) return 'restore';
    if (same(discardNewConfCommand())) return 'discard';
    if (same(writeNewConfCommand(''))) return 'write';
    if (same(bridgeVipsCommand(['10.116.0.201']))) return 'bridge';
    if (same(unbridgeVipsCommand(['10.116.0.201']))) return 'unbridge';
    if (same(bridgeVipsCommand(['10.116.0.201'], 'eth0'))) return 'vip-back-on-eth0';
    return `unknown ${c.argv.join(' ')}`;
  }
}

describe('applyKeepalivedCluster (scripted directors)', () => {
  const plans = () => ['director', 'director2'].map((h) => planKeepalivedDirector(model, 'lab-ha', h, 'lvs-ha.yaml', live({ pid: undefined })));
  const options = { takeOver: false, holder: 'test', lockWaitSeconds: 1, pollMs: 1 };

  it('checks on every director before swapping any, then reloads and reads back', async () => {
    const d = new FakeDirector('director');
    const d2 = new FakeDirector('director2');
    d.vip = true;
    const r = await applyKeepalivedCluster((h) => (h === 'director' ? d : d2), model, 'lab-ha', plans(), options);
    assert.deepEqual(r.directors.map((x) => x.status), ['applied', 'applied']);
    assert.deepEqual(r.vipHolders, ['director']);
    assert.deepEqual(d.ran, ['lock', 'write', 'check', 'swap', 'reload', 'live', 'unlock']);
    assert.ok(d2.ran.indexOf('check') < d.ran.length && d2.ran.indexOf('swap') > d2.ran.indexOf('check'));
  });

  it('a director carrying the VIP without keepalived (from the ipvsadm engine) gets it on lo until keepalived holds it', async () => {
    const d = new FakeDirector('director');
    const d2 = new FakeDirector('director2');
    d.vip = true;
    const found = [{ address: '10.116.0.201', dev: 'eth0' }];
    const p = [planKeepalivedDirector(model, 'lab-ha', 'director', 'lvs-ha.yaml', live({ pid: undefined, addresses: found })),
      planKeepalivedDirector(model, 'lab-ha', 'director2', 'lvs-ha.yaml', live({ pid: undefined }))];
    const r = await applyKeepalivedCluster((h) => (h === 'director' ? d : d2), model, 'lab-ha', p, options);
    assert.deepEqual(r.directors.map((x) => x.status), ['applied', 'applied']);
    assert.deepEqual(d.ran, ['lock', 'write', 'check', 'bridge', 'swap', 'reload', 'live', 'unbridge', 'unlock']);
    assert.ok(!d2.ran.includes('bridge'), 'director2 carried no VIP');
    // On lo the VIP is no VRRP holder: the read back waits for it on the interface.
    const onLo = live({ addresses: [{ address: '10.116.0.201', dev: 'lo' }] });
    assert.deepEqual(vipHolders(cluster, new Map([['director', onLo]])), { holders: [], partial: [] });
    // A read back that fails stops the keepalived it started, puts the VIP back on eth0, then takes it off lo.
    const f = new FakeDirector('director');
    const f2 = new FakeDirector('director2');
    const failed = await applyKeepalivedCluster((h) => (h === 'director' ? f : f2), model, 'lab-ha', p, { ...options, readbackTimeoutMs: 1 });
    assert.deepEqual(failed.directors.map((x) => x.status), ['rolled-back', 'rolled-back']);
    const tail = f.ran.slice(f.ran.indexOf('restore'));
    assert.deepEqual(tail, ['restore', 'reload-or-stop', 'vip-back-on-eth0', 'unbridge', 'unlock']);
  });

  it('one director refusing the configuration changes nothing anywhere', async () => {
    const d = new FakeDirector('director');
    const d2 = new FakeDirector('director2', 5);
    const r = await applyKeepalivedCluster((h) => (h === 'director' ? d : d2), model, 'lab-ha', plans(), options);
    assert.deepEqual(r.directors.map((x) => x.status), ['not-applied', 'not-applied']);
    assert.match(r.directors[1].error ?? '', /keepalived -t refused the new configuration \(exit 5/);
    for (const x of [d, d2]) {
      assert.ok(x.ran.includes('discard'), x.host);
      assert.ok(!x.ran.includes('swap') && !x.ran.includes('reload'), x.host);
    }
  });

  it('restores the previous configuration when the read back never matches (no director takes the VIP)', async () => {
    const d = new FakeDirector('director');
    const d2 = new FakeDirector('director2');
    const r = await applyKeepalivedCluster((h) => (h === 'director' ? d : d2), model, 'lab-ha', plans(), { ...options, readbackTimeoutMs: 5 });
    assert.deepEqual(r.directors.map((x) => x.status), ['rolled-back', 'rolled-back']);
    assert.match(r.directors[0].error ?? '', /no director holds the VIPs/);
    for (const x of [d, d2]) assert.deepEqual(x.ran.slice(-3), ['restore', 'reload-or-stop', 'unlock']);
  });

  it('refuses a hand-written keepalived.conf without takeOver, touching nothing', async () => {
    const d = new FakeDirector('director');
    const hand = ['director', 'director2'].map((h) => planKeepalivedDirector(model, 'lab-ha', h, 'x', live({ conf: 'global_defs {\n}\n' })));
    const r = await applyKeepalivedCluster(() => d, model, 'lab-ha', hand, options);
    assert.deepEqual(r.directors.map((x) => x.status), ['not-applied', 'not-applied']);
    assert.match(r.directors[0].error ?? '', /--take-over/);
    assert.deepEqual(d.ran, []);
  });
});
