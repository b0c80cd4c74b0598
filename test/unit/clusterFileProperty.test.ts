/** Property: any valid model, written as YAML, validates without errors back to the same model. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { clusterFileArbitrary } from '../builders/clusterFileArbitrary';
import { clusterFileToYamlText, withoutRanges } from '../builders/clusterFileYaml';

describe('cluster file round trip (property)', () => {
  it('model → YAML → validate gives no diagnostics and the same model', () => {
    fc.assert(fc.property(clusterFileArbitrary, (model) => {
      const text = clusterFileToYamlText(model);
      const result = validateClusterFile(text);
      assert.deepEqual(result.diagnostics.map((d) => `${d.code} ${d.range.start.line + 1}: ${d.message}`), [], text);
      assert.deepEqual(withoutRanges(result.model), withoutRanges(model));
    }), { numRuns: 300 });
  });
});
