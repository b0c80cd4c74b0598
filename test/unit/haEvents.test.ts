/**
 * The statistics panel's HA timeline: events derived from successive cluster statuses built from the lab's
 * real keepalived dumps (test/fixtures/keepalived/status), the bounded event log and its text export.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { keepalivedClusterStatus, type KeepalivedClusterStatus } from '../../src/core/keepalived/keepalivedClusterStatus';
import { CHECK_DUMP, parseKeepalivedReading, VRRP_DUMP, type RunningReading } from '../../src/core/keepalived/keepalivedStatusRead';
import { HaEventLog, haTimelineText } from '../../src/core/stats/haEventLog';
import { clusterVips } from '../../src/core/clusterFile/clusterVips';
import { deriveHaEvents, type HaEvent } from '../../src/core/stats/haEvents';
import { LAB_HA } from '../builders/keepalivedFiles';

const dir = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'keepalived', 'status')).find((p) => existsSync(p)) ?? '';
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const TABLE = '-A -t 10.116.0.201:80 -s rr\n-a -t 10.116.0.201:80 -r 10.116.0.11:80 -g -w 1\n-a -t 10.116.0.201:80 -r 10.116.0.12:80 -g -w 1\n';
const cluster = validateClusterFile(LAB_HA).model.clusters[0];
const vips = clusterVips(cluster);

function reading(data: string, check: string): RunningReading {
  const stdout = [['pid', '1\n'], [`dump ${VRRP_DUMP}`, fixture(data)], [`dump ${CHECK_DUMP}`, fixture(check)], ['save', TABLE], ['end', '']]
    .map(([k, v]) => `@@lvsctl-section ${k}\n${v}`).join('');
  const r = parseKeepalivedReading({ exitCode: 0, stderr: '', stdout });
  assert.ok(r.running);
  return r;
}

function status(one: [string, string] | string, two: [string, string] | string): KeepalivedClusterStatus {
  const outcome = (host: string, x: [string, string] | string) => (typeof x === 'string' ? { host, error: x } : { host, reading: reading(x[0], x[1]) });
  return keepalivedClusterStatus(cluster, [outcome('director', one), outcome('director2', two)]);
}

const healthy = (): KeepalivedClusterStatus => status(['master-healthy.data', 'master-healthy.check.data'], ['backup-healthy.data', 'backup-healthy.check.data']);
const texts = (events: HaEvent[]): string[] => events.map((e) => `${e.kind}: ${e.text}`);

describe('HA events from successive polls', () => {
  it('the lab pair\'s VIP is 10.116.0.201; a healthy first poll and a healthy repeat give no event', () => {
    assert.deepEqual(vips, ['10.116.0.201']);
    assert.deepEqual(deriveHaEvents(undefined, healthy(), vips, 1000), []);
    assert.deepEqual(deriveHaEvents(healthy(), healthy(), vips, 2000), []);
  });

  it('rs1\'s web server stopped: rs1 down on each director with keepalived\'s reason, once; back up: rs1 up', () => {
    const down = status(['master-rs1-refused.data', 'master-rs1-refused.check.data'], ['backup-healthy.data', 'backup-rs1-down.check.data']);
    const events = deriveHaEvents(healthy(), down, vips, 5000);
    assert.deepEqual(texts(events), ['server-down: rs1 down on director: HTTP_GET / failed', 'server-down: rs1 down on director2: HTTP_GET / failed']);
    assert.ok(events.every((e) => e.at === 5000));
    assert.deepEqual(deriveHaEvents(down, down, vips, 6000), []);
    assert.deepEqual(texts(deriveHaEvents(down, healthy(), vips, 7000)), ['server-up: rs1 up on director', 'server-up: rs1 up on director2']);
  });

  it('a first poll on a broken cluster reports what is already wrong', () => {
    const down = status(['master-rs1-refused.data', 'master-rs1-refused.check.data'], 'director2: connection refused');
    assert.deepEqual(texts(deriveHaEvents(undefined, down, vips, 1)), ['server-down: rs1 down on director: HTTP_GET / failed']);
  });

  it('failover: director FAULT, director2 MASTER: master changed from director to director2', () => {
    const after = status(['director-fault-link-down.data', 'master-healthy.check.data'], ['director2-master-after-failover.data', 'backup-healthy.check.data']);
    assert.deepEqual(after.masters, ['director2']);
    assert.deepEqual(texts(deriveHaEvents(healthy(), after, vips, 9)), ['failover: master changed from director to director2']);
  });

  it('VIP held by none, by two (split brain), then by one again; an unread director says nothing about holders', () => {
    const none = status(['director-fault-link-down.data', 'master-healthy.check.data'], ['backup-healthy.data', 'backup-healthy.check.data']);
    const split = status(['master-healthy.data', 'master-healthy.check.data'], ['director2-master-after-failover.data', 'backup-healthy.check.data']);
    assert.deepEqual(texts(deriveHaEvents(healthy(), none, vips, 1)), ['vip-none: VIP 10.116.0.201 held by no director']);
    assert.deepEqual(texts(deriveHaEvents(none, split, vips, 2)), ['vip-split: VIP 10.116.0.201 held by director and director2 (split brain)']);
    assert.deepEqual(texts(deriveHaEvents(split, healthy(), vips, 3)), ['vip-one: VIP 10.116.0.201 held by director alone again']);
    const unread = status(['director-fault-link-down.data', 'master-healthy.check.data'], 'director2: timeout');
    assert.deepEqual(deriveHaEvents(healthy(), unread, vips, 4), []);
  });
});

describe('the HA event log', () => {
  const event = (at: number): HaEvent => ({ at, kind: 'server-down', text: `rs${at} down on director` });

  it('keeps the newest events up to its capacity, counts the dropped ones, lists newest first', () => {
    const log = new HaEventLog(3);
    log.add([event(1), event(2)]);
    assert.deepEqual(log.newestFirst().map((e) => e.at), [2, 1]);
    assert.equal(log.dropped, 0);
    log.add([event(3), event(4), event(5)]);
    assert.deepEqual(log.newestFirst().map((e) => e.at), [5, 4, 3]);
    assert.equal(log.size, 3);
    assert.equal(log.dropped, 2);
  });

  it('holds 500 events by default', () => {
    const log = new HaEventLog();
    log.add(Array.from({ length: 600 }, (_, i) => event(i)));
    assert.equal(log.size, 500);
    assert.equal(log.dropped, 100);
    assert.equal(log.newestFirst()[499].at, 100);
  });

  it('exports as text: a header with the drops, then one UTC line per event, newest first', () => {
    const log = new HaEventLog(2);
    log.add([event(0), { at: Date.UTC(2026, 11, 2, 21, 40, 5), kind: 'failover', text: 'master changed from director to director2' }, event(1000)]);
    assert.equal(haTimelineText('lab-ha', log), [
      'lab-ha: 2 events, 1 older dropped',
      '1970-01-01T00:00:01.000Z  server-down  rs1000 down on director',
      '2026-12-02T21:40:05.000Z  failover     master changed from director to director2',
      '',
    ].join('\n'));
    assert.equal(haTimelineText('lab-ha', new HaEventLog()), 'lab-ha: 0 events\n');
  });
});
