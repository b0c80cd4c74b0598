/** The real ipvsadm outputs of test/fixtures/ipvs (captured on the lab), and rules text as a table, for unit tests. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import type { IpvsTable } from '../../src/core/ipvs/types';

const fixtures = [join(__dirname, '..', '..', '..'), process.cwd()].map((r) => join(r, 'test', 'fixtures', 'ipvs')).find((p) => existsSync(p)) ?? '';

/** `test/fixtures/ipvs/DIR/FILE` as text. */
export function readIpvsFixture(dir: string, file: string): string {
  return readFileSync(join(fixtures, dir, file), 'utf8');
}

/** The table of an `ipvsadm -R` text that must have no error. */
export function rulesTable(text: string): IpvsTable {
  const r = parseRules(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => d.message), [], text);
  return r.table;
}
