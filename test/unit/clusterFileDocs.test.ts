/** docs/cluster-file.md stays true: every code documented, the classic example valid and equal to the builder's. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLUSTER_FILE_CODES } from '../../src/core/clusterFile/diagnosticCodes';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { OBJECT_KEYS } from '../../src/core/clusterFile/formatKeys';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { withoutRanges } from '../builders/clusterFileYaml';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';

const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'cluster-file.md'), 'utf8');

describe('docs/cluster-file.md', () => {
  it('has a table row for every diagnostic code, with its severity', () => {
    for (const [code, info] of Object.entries(CLUSTER_FILE_CODES)) {
      assert.match(doc, new RegExp(`^\\| ${code} \\| ${info.severity} \\|`, 'm'), code);
    }
  });

  it('documents every key', () => {
    for (const keys of Object.values(OBJECT_KEYS)) for (const key of keys) assert.ok(doc.includes(`\`${key}\``) || doc.includes(`.${key}\``), key);
  });

  it('the classic example is clean and renders the same table as the builder\'s', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const fromDoc = validateClusterFile(yaml);
    assert.deepEqual(fromDoc.diagnostics, []);
    const fromBuilder = validateClusterFile(CLASSIC_DR_EXAMPLE);
    assert.deepEqual(withoutRanges(fromDoc.model), withoutRanges(fromBuilder.model));
    assert.deepEqual(desiredTable(fromDoc.model, 'web'), desiredTable(fromBuilder.model, 'web'));
  });
});
