/**
 * Property: the two languages agree. A random cluster file the validator accepts (no error) renders, cluster
 * by cluster, to `ipvsadm -R` rules the project's rules validator accepts (no error: what real ipvsadm would
 * refuse is an error there), and rendering is a fixed point (render → parse → render gives the same text).
 * The files are the valid arbitrary's, some mutated toward what ipvsadm refuses (onePacket on tcp/sctp, an
 * IPv6 persistence netmask 0): those must be errors in the file, so they never reach the renderer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import { clusterFileArbitrary } from '../builders/clusterFileArbitrary';
import type { UnrangedClusterFile } from '../builders/clusterFileArbitrary';
import { clusterFileToYamlText } from '../builders/clusterFileYaml';

/** Mutations toward rules ipvsadm refuses; each applied to one service picked by index. */
const mutation = fc.record({
  onePacket: fc.option(fc.nat(), { nil: undefined }),
  v6NetmaskZero: fc.option(fc.nat(), { nil: undefined }),
});

function mutate(model: UnrangedClusterFile, m: { onePacket: number | undefined; v6NetmaskZero: number | undefined }): UnrangedClusterFile {
  const copy = structuredClone(model);
  const services = copy.clusters.flatMap((c) => c.services);
  if (services.length === 0) return copy;
  if (m.onePacket !== undefined) services[m.onePacket % services.length].onePacket = true;
  if (m.v6NetmaskZero !== undefined) {
    const s = services[m.v6NetmaskZero % services.length];
    if (s.family === 'inet6' && s.persistence) s.persistence.netmask = '0';
  }
  return copy;
}

describe('cluster file → ipvsadm rules (property)', () => {
  it('a file without errors renders rules without errors, and render is a fixed point', () => {
    let checked = 0;
    fc.assert(fc.property(clusterFileArbitrary, mutation, (model, m) => {
      const text = clusterFileToYamlText(mutate(model, m));
      const v = validateClusterFile(text);
      if (v.diagnostics.some((d) => d.severity === 'error')) return; // refused in the file: never rendered
      for (const cluster of v.model.clusters) {
        const rules = renderRules(desiredTable(v.model, cluster.name));
        const parsed = parseRules(rules);
        const errors = parsed.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} line ${d.range.start.line + 1}: ${d.message}`);
        assert.deepEqual(errors, [], `${text}\n---\n${rules}`);
        assert.equal(renderRules(parsed.table), rules, `${text}\n---\n${rules}`);
        checked++;
      }
    }), { numRuns: 300, seed: 18 });
    assert.ok(checked > 100, `only ${checked} clusters checked`);
  });
});
