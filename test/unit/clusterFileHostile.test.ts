/**
 * Hostile cluster files (they are validated on activation, even in untrusted workspaces): alias bombs, alias
 * cycles and very deep nesting end in diagnostics, never in an exception or a stall. Work is counted (YAML
 * nodes visited), never timed: doubling the input at most doubles the work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { aliasBudget, indexAliases } from '../../src/core/clusterFile/aliasIndex';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';

/** Billion laughs: level i is a list of ten aliases of level i-1 (10^levels values from a few hundred bytes). */
function aliasBomb(levels: number, under = 'x'): string {
  let text = `version: 1\n${under}:\n  l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n`;
  for (let i = 1; i <= levels; i++) text += `  l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]\n`;
  return text;
}

/** The same bomb through the structure the walk reads: clusters × services × real servers, all aliases. */
function structuralBomb(width: number): string {
  const rs = `    rs: &rs\n${Array.from({ length: width }, (_, i) => `      - {address: 10.0.0.${i + 1}, method: dr}`).join('\n')}\n`;
  const svc = `    svc: &svc {vip: 10.1.0.1, port: 80, protocol: tcp, realServers: *rs}\n`;
  const svcs = `    svcs: &svcs [${Array(width).fill('*svc').join(', ')}]\n`;
  const cl = `    cl: &cl {name: c, directors: [{host: d}], services: *svcs}\n`;
  return `version: 1\nx:\n${rs}${svc}${svcs}${cl}hosts: [{name: d, address: 10.0.0.250/24, interface: eth0}]\nclusters: [${Array(width).fill('*cl').join(', ')}]\n`;
}

const codes = (text: string): string[] => validateClusterFile(text).diagnostics.map((d) => d.code);

describe('hostile cluster files', () => {
  it('an alias bomb under an unknown key ends in LVS001 after work bounded by the budget', () => {
    // 10^9 values as written out: before the alias pass this ran for hours (the secret scan expanded it).
    const text = aliasBomb(9);
    const r = validateClusterFile(text);
    const d = r.diagnostics.find((x) => x.code === 'LVS001');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.match(d.message, /^Aliases expand this file to more than \d+ values/);
    assert.equal(d.severity, 'error');
    assert.ok(r.nodesVisited < 1000, `visited ${r.nodesVisited}`);
  });

  it('the same bomb through clusters, services and real servers is refused too', () => {
    const r = validateClusterFile(structuralBomb(60));
    assert.ok(r.diagnostics.some((d) => d.code === 'LVS001' && /Aliases expand/.test(d.message)), JSON.stringify(r.diagnostics.map((d) => d.message)));
    assert.ok(r.nodesVisited < 5 * 60 * 10, `visited ${r.nodesVisited}`);
  });

  it('work doubles (at most) when the input doubles: bombs, budgets and plain files', () => {
    for (const make of [aliasBomb, (n: number) => aliasBomb(n, 'hosts'), structuralBomb]) {
      const small = validateClusterFile(make(20)).nodesVisited;
      const large = validateClusterFile(make(40)).nodesVisited;
      assert.ok(large <= 2.2 * small, `${small} → ${large}`);
    }
    const services = (n: number): string => CLASSIC_DR_EXAMPLE + Array.from({ length: n }, (_, i) =>
      `      - {name: s${i}, protocol: tcp, vip: 192.168.117.${i + 1}, port: 81, realServers: [{host: node1, method: dr}]}\n`).join('');
    const a = validateClusterFile(services(100));
    const b = validateClusterFile(services(200));
    assert.deepEqual(b.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(b.nodesVisited <= 2.2 * a.nodesVisited, `${a.nodesVisited} → ${b.nodesVisited}`);
    // The alias pass itself: one push and one pop per node as written.
    const doc = parseDocument(aliasBomb(30));
    const index = indexAliases(doc);
    assert.ok(index.steps <= 2 * index.nodes + 2, `${index.steps} steps for ${index.nodes} nodes`);
    assert.ok(index.expanded > aliasBudget(index.nodes));
  });

  it('an alias inside the value it names (a cycle) is LVS001, not a RangeError', () => {
    for (const text of ['version: 1\nx: &a [*a]\n', 'version: 1\nx: &a\n  y: *a\n', 'version: 1\nhosts: &h\n  - name: a\n    ssh: *h\n']) {
      const r = validateClusterFile(text);
      const d = r.diagnostics.find((x) => x.code === 'LVS001');
      assert.ok(d, text);
      assert.match(d.message, /^The alias \*(a|h) is inside the value it refers to \(a cycle\)/);
    }
  });

  it('very deep nesting: diagnostics, no exception, in any YAML form', () => {
    for (const n of [1000, 20_000]) {
      for (const text of [
        `version: 1\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`,
        `version: 1\nx: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`,
        `version: 1\nhosts:\n  - name: a\n    ssh: ${'{password: '.repeat(n)}1${'}'.repeat(n)}\n`,
      ]) {
        const r = validateClusterFile(text);
        assert.ok(r.diagnostics.some((d) => d.severity === 'error'), text.slice(0, 60));
      }
    }
  });

  it('fuzz: mutated valid files and YAML fragments never throw, and work stays within the alias budget', () => {
    // Fixed seed, bounded count: splices of a valid file with YAML's sharp edges (anchors, aliases, tags,
    // flow and block nesting, directives, odd scalars).
    const pieces = ['&a ', '*a', '*b', '&b [', ']', '{', '}', '- ', ': ', '!!str ', '!!map ', '%YAML 1.2\n---\n', '<<: *a\n', '? ', '|\n  ', '"\\x', "'", '\t', '\n  ', '\n', '#', '0x1F', '.inf', '~', '\u0000', '\ufeff'];
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 20 }), insert: fc.array(fc.constantFrom(...pieces), { maxLength: 6 }) });
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
      let text = CLASSIC_DR_EXAMPLE;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.insert.join('') + text.slice(at + e.cut);
      }
      const r = validateClusterFile(text);
      assert.ok(Array.isArray(r.diagnostics));
      const nodes = indexAliases(parseDocument(text)).nodes;
      assert.ok(r.nodesVisited <= 4 * aliasBudget(nodes), `${r.nodesVisited} for ${nodes} nodes`);
    }), { numRuns: 400, seed: 18 });
  });

  it('aliases used as intended still read: a shared real-server list, a secret under an alias reported once', () => {
    const text = CLASSIC_DR_EXAMPLE.replace('        realServers:\n', '        realServers: &rs\n') +
      '      - {name: https, protocol: tcp, vip: 192.168.116.200, port: 443, scheduler: rr, realServers: *rs}\n';
    const r = validateClusterFile(text);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(r.model.clusters[0].services[1].realServers.map((s) => s.address), ['192.168.116.4', '192.168.116.5']);
    const secret = 'version: 1\nx: &s {password: hunter2}\ny: [*s, *s, *s]\n';
    assert.deepEqual(codes(secret).filter((c) => c === 'LVS008'), ['LVS008']);
  });
});
