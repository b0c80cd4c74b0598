/**
 * keepalived -t's "(FILE: Line N) message" mapped back to the cluster-file item that rendered line N: the
 * renderer's line origins cover every line it writes (the same bytes as renderKeepalivedConf), and a refused
 * apply shows the cluster-file line in its result text. The message format is keepalived 2.2.7's (checked on
 * the lab by test/lab/importKeepalived.test.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { keepalivedResultText } from '../../src/core/keepalived/applyKeepalivedCluster';
import { checkSourceText, mapCheckOutput } from '../../src/core/keepalived/keepalivedCheckMap';
import { KEEPALIVED_CONF_NEW } from '../../src/core/keepalived/keepalivedRemote';
import { renderKeepalivedConf, renderKeepalivedConfLines } from '../../src/core/keepalived/renderKeepalivedConf';

const TEXT = readFileSync(resolve(__dirname, '../../../test/fixtures/keepalived/import/lab-ha.lvs.yaml'), 'utf8')
  .replace('      - host: director2\n        interface: eth0', '      - host: director2\n        interface: eth9')
  .replace('        scheduler: rr\n', '        scheduler: rr\n        persistence: { timeout: 300 }\n');
const model = validateClusterFile(TEXT).model;
/** 1-based line of the first cluster-file line containing `needle`. */
const fileLine = (needle: string): number => TEXT.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('the line map covers the rendered text, line for line', () => {
  for (const director of ['director', 'director2']) {
    const input = { model, cluster: 'lab-ha', director, sourceLabel: 'lvs-ha.yaml' };
    const mapped = renderKeepalivedConfLines(input);
    assert.equal(mapped.text, renderKeepalivedConf(input));
    const lines = mapped.text.split('\n');
    assert.equal(mapped.origins.length, lines.length - 1, 'one origin per line (the text ends with a newline)');
    lines.slice(0, -1).forEach((l, i) => {
      if (l.startsWith('#') || l === '') assert.equal(mapped.origins[i], undefined, `line ${i + 1} "${l}"`);
      else assert.ok(mapped.origins[i], `line ${i + 1} "${l}" has an origin`);
    });
  }
});

test('keepalived -t messages point at the director, the service, the real server and the host that rendered the line', () => {
  const mapped = renderKeepalivedConfLines({ model, cluster: 'lab-ha', director: 'director2', sourceLabel: 'x' });
  const conf = mapped.text.split('\n');
  const at = (needle: string): number => conf.findIndex((l) => l.includes(needle)) + 1;
  const output = [
    `(${KEEPALIVED_CONF_NEW}: Line ${at('interface eth9')}) WARNING - interface eth9 for vrrp_instance lab-ha doesn't exist`,
    `(${KEEPALIVED_CONF_NEW}: Line ${at('10.116.0.201/32 dev eth9')}) WARNING - interface eth9 for ip address 10.116.0.201/32 doesn't exist`,
    `(${KEEPALIVED_CONF_NEW}: Line ${at('persistence_timeout')}) persistence_timeout invalid`,
    `(${KEEPALIVED_CONF_NEW}: Line ${at('real_server 10.116.0.12')}) something about rs2`,
    `(${KEEPALIVED_CONF_NEW}: Line ${at('unicast_src_ip')}) something about the source`,
    `(/etc/keepalived/other.conf: Line 3) another file is not ours`,
    'Non-existent interface specified in configuration',
  ].join('\n');
  const sources = mapCheckOutput(output, mapped, KEEPALIVED_CONF_NEW);
  assert.deepEqual(sources.map((s) => [s.origin?.range.start.line !== undefined ? s.origin.range.start.line + 1 : 0, s.origin?.what]), [
    [fileLine('- host: director2'), 'director director2'],
    [fileLine('- name: http'), "service http (tcp 10.116.0.201:80) (its vip, on director director2's interface)"],
    [fileLine('- name: http'), 'service http (tcp 10.116.0.201:80)'],
    [fileLine('{ host: rs2'), 'real server rs2:80 of service http (tcp 10.116.0.201:80)'],
    [fileLine('- name: director2'), 'host director2 (its address)'],
  ]);
  assert.equal(checkSourceText(sources[0]), `keepalived.conf line ${at('interface eth9')} "interface eth9": WARNING - interface eth9 for vrrp_instance lab-ha doesn't exist ← cluster file line ${fileLine('- host: director2')} (director director2)`);
  const text = keepalivedResultText({ host: 'director2', status: 'not-applied', error: 'keepalived -t refused the new configuration (exit 5)', check: { exitCode: 5, output }, checkSources: sources });
  assert.match(text, /^ {2}in the cluster file:\n {4}keepalived\.conf line \d+ "interface eth9": .* ← cluster file line \d+ \(director director2\)$/m);
});
