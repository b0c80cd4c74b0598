/**
 * The one "did you mean" module of both languages (src/core/closestName.ts): the suggestions a sysadmin
 * expects, a banded distance equal to the full one within its cap, a host index giving closestName's
 * answers, and bounded work: doubling a file's hosts and unknown references at most doubles the steps
 * (counted, never timed); a very long unknown name costs no more than a short one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { closestName, closestNames, editDistance, NameIndex, nameSearchWork } from '../../src/core/closestName';
import { ENUMS, OBJECT_KEYS, SCHEDULER_ALIASES } from '../../src/core/clusterFile/formatKeys';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { SCHEDULERS } from '../../src/core/ipvs/types';

/** The unbanded optimal string alignment distance, as a reference. */
function fullDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function stepsOf(run: () => void): number {
  const before = nameSearchWork.steps;
  run();
  return nameSearchWork.steps - before;
}

describe('closestName', () => {
  it('suggests schedulers the way a sysadmin expects', () => {
    const s = ENUMS.scheduler;
    assert.equal(closestName('rrr', s), 'rr');
    assert.equal(closestName('wlcc', s), 'wlc');
    assert.equal(closestName('robin', s, SCHEDULER_ALIASES), 'rr');
    assert.equal(closestName('round-robin', s, SCHEDULER_ALIASES), 'rr');
    assert.equal(closestName('leastconn', s, SCHEDULER_ALIASES), 'lc');
    assert.equal(closestName('maglev', s, SCHEDULER_ALIASES), 'mh');
    assert.equal(closestName('xyzzy', s, SCHEDULER_ALIASES), undefined);
    assert.equal(closestName('constructor', s, SCHEDULER_ALIASES), undefined);
  });
  it('suggests keys across case, "_" and typos, not far-fetched ones', () => {
    assert.equal(closestName('real_servers', OBJECT_KEYS.service), 'realServers');
    assert.equal(closestName('shedulr', OBJECT_KEYS.service), 'scheduler');
    assert.equal(closestName('vpi', OBJECT_KEYS.service), 'vip');
    assert.equal(closestName('colour', OBJECT_KEYS.service), undefined);
  });
  it('ranks ipvsadm schedulers and flags for the rules quick fixes', () => {
    assert.deepEqual(closestNames('rrr', SCHEDULERS).slice(0, 3), ['rr', 'wrr', 'lc']);
    assert.equal(closestNames('sh_port', ['flag-1', 'flag-2', 'flag-3', 'sh-fallback', 'sh-port'])[0], 'sh-port');
  });
  it('edit distance counts transpositions as one', () => {
    assert.equal(editDistance('wlc', 'lwc'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
  it('the banded distance is the full one when within the cap, cap + 1 otherwise', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '-'), maxLength: 12 });
    fc.assert(fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, cap) => {
      const full = fullDistance(a, b);
      assert.equal(editDistance(a, b, cap), full <= cap ? full : cap + 1, `${a} ${b} ${cap}`);
    }), { seed: 19, numRuns: 3000 });
  });
});

describe('NameIndex (hosts)', () => {
  it('gives closestName\'s answer on small sets', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'n', 'o', 'd', 'e', '1', '2', '-'), minLength: 1, maxLength: 12 });
    fc.assert(fc.property(fc.uniqueArray(name, { maxLength: 12 }), name, (hosts, word) => {
      assert.equal(new NameIndex(hosts).closest(word), closestName(word, hosts), `${word} among ${hosts.join(',')}`);
    }), { seed: 19, numRuns: 2000 });
  });
  it('suggests among many similar hosts', () => {
    const hosts = Array.from({ length: 2000 }, (_, i) => `node-${String(i).padStart(4, '0')}`);
    const index = new NameIndex(hosts);
    assert.equal(index.closest('node-1234x'), 'node-1234');
    assert.equal(index.closest('ndoe-0042'), 'node-0042');
    assert.equal(index.closest('database'), undefined);
  });
});

/** Names of one width, so that doubling n doubles the text. */
const id = (i: number): string => String(i).padStart(5, '0');

/** A file with n hosts and n real servers naming hosts that do not exist (each a near miss). */
function unknownReferences(n: number): string {
  const out = ['version: 1', 'hosts:', '  - name: director', '    address: 10.0.0.1/8', '    interface: eth0'];
  for (let i = 0; i < n; i++) out.push(`  - name: web-${id(i)}`, `    address: 10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
  out.push('clusters:', '  - name: c', '    directors: [{ host: director }]', '    services:', '      - { protocol: tcp, vip: 10.255.0.1, port: 80, realServers: [');
  for (let i = 0; i < n; i++) out.push(`          { host: wbe-${id(i)}x },`);
  out.push('        ] }');
  return `${out.join('\n')}\n`;
}

/** A file with n hosts, each with a bare proxyJump naming no host of the file. */
function unknownJumps(n: number): string {
  const out = ['version: 1', 'hosts:'];
  for (let i = 0; i < n; i++) out.push(`  - name: web-${id(i)}`, `    address: 10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, `    ssh: { proxyJump: jump-${id(i)} }`);
  return `${out.join('\n')}\n`;
}

describe('bounded work (doubling tests)', () => {
  it('1,000 → 2,000 hosts with as many unknown host references: the search steps at most double', () => {
    let diags = 0;
    const small = stepsOf(() => { diags = validateClusterFile(unknownReferences(1000)).diagnostics.filter((d) => d.code === 'LVS025').length; });
    assert.equal(diags, 1000);
    const large = stepsOf(() => validateClusterFile(unknownReferences(2000)));
    assert.ok(large <= 2.2 * small, `${small} → ${large} steps`);
    const one = validateClusterFile(unknownReferences(3)).diagnostics.find((d) => d.code === 'LVS025');
    assert.match(one?.message ?? '', /Real server "wbe-00000x" is not a host of this file\. Did you mean "web-00000"\?/);
  });
  it('an unknown bare proxyJump on every host of 1,000 → 2,000: the search steps at most double', () => {
    const small = stepsOf(() => validateClusterFile(unknownJumps(1000)));
    const large = stepsOf(() => validateClusterFile(unknownJumps(2000)));
    assert.ok(small > 0);
    assert.ok(large <= 2.2 * small, `${small} → ${large} steps`);
  });
  it('a 300,000-character unknown name costs no more than a 300-character one', () => {
    const long = (n: number): string => 'x'.repeat(n);
    const short = stepsOf(() => closestName(long(300), OBJECT_KEYS.service));
    const huge = stepsOf(() => closestName(long(300_000), OBJECT_KEYS.service));
    assert.ok(huge <= short, `${short} vs ${huge}`);
    const index = new NameIndex(['web-1', 'web-2']);
    index.closest('a');
    const hostShort = stepsOf(() => index.closest(long(300)));
    const hostHuge = stepsOf(() => index.closest(long(300_000)));
    assert.ok(hostHuge <= hostShort, `${hostShort} vs ${hostHuge}`);
    const rulesShort = stepsOf(() => parseRules(`-A -t 10.0.0.1:80 -s ${long(300)}\n`));
    const rulesHuge = stepsOf(() => parseRules(`-A -t 10.0.0.1:80 -s ${long(300_000)}\n`));
    assert.ok(rulesHuge <= rulesShort, `${rulesShort} vs ${rulesHuge}`);
  });
});
