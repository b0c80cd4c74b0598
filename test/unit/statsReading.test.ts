/** The statistics reading: one exec running the listings in sections, and its parser (src/core/stats/statsReading.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandLine } from '../../src/core/ssh/remoteCommand';
import { parseStatsReading, readingScript, splitSections, statsReadingCommand, StatsReadingError } from '../../src/core/stats/statsReading';
import { drOutput, runWithFakeIpvsadm, sectioned } from '../support/statsReadingText';

describe('stats reading (one exec, sectioned)', () => {
  test('the command is one sh -c script with the three listings, privileged, with a short timeout', () => {
    const cmd = statsReadingCommand();
    assert.equal(cmd.argv[0], 'sh');
    assert.equal(cmd.argv[1], '-c');
    assert.equal(cmd.argv.length, 3);
    assert.match(cmd.argv[2], /ipvsadm -Ln --stats --exact/);
    assert.match(cmd.argv[2], /ipvsadm -Ln --rate --exact/);
    assert.match(cmd.argv[2], /ipvsadm -Ln 2>&1/);
    assert.doesNotMatch(cmd.argv[2], /thresholds|persistent/);
    assert.equal(cmd.privileged, true);
    assert.ok((cmd.timeoutMs ?? 0) <= 15_000);
    assert.match(commandLine(cmd.argv, 'non-interactive'), /^sudo -n -- sh -c '/);
    const more = readingScript(['stats', 'rate', 'list', 'thresholds', 'persistent']);
    assert.match(more, /--thresholds/);
    assert.match(more, /--persistent-conn/);
  });

  test('the script really produces what the parser splits (run by a local sh with a fake ipvsadm)', () => {
    const cmd = statsReadingCommand();
    const stdout = runWithFakeIpvsadm(cmd.argv);
    const r = cmd.parse({ stdout, stderr: '', exitCode: 0 });
    assert.equal(r.stats.services[0].realServers.length, 2);
    assert.equal(r.rate.services[0].counters.cps, 4);
    assert.equal(r.list.table.services[0].scheduler, 'rr');
  });

  test('a failing section surfaces ipvsadm\'s own message; a missing section is an error', () => {
    const out = sectioned([['stats', 'Can\'t initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?', 2], ['rate', ''], ['list', '']]);
    assert.throws(() => parseStatsReading(out), (e: Error) => e instanceof StatsReadingError && /exited with 2: Can't initialize ipvs/.test(e.message));
    assert.throws(() => parseStatsReading(sectioned([['stats', '', 127], ['rate', ''], ['list', '']])), /not installed/);
    assert.throws(() => parseStatsReading('sudo: a password is required\n'), /no 'stats' section/);
    assert.equal(splitSections(drOutput()).size, 3);
  });
});
