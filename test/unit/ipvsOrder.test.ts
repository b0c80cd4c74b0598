/** ipvsadm's listing order as the renderer uses it, for real servers of both families in one service. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRealServers } from '../../src/core/ipvs/ipvsOrder';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { renderRules } from '../../src/core/ipvs/rulesRenderer';
import type { IpvsTable } from '../../src/core/ipvs/types';

const v6 = { address: 'a00:1:1::', port: 80, family: 'inet6' as const };
const v4 = { address: '10.0.0.1', port: 81, family: 'inet' as const };

test('across families, where libipvs contradicts itself (a > b and b > a), IPv4 comes first', () => {
  assert.ok(compareRealServers(v4, v6) < 0);
  assert.ok(compareRealServers(v6, v4) > 0);
  // A pair libipvs orders consistently keeps its order (as in the lab's ipvsadm -S capture): IPv6 first here.
  const labV6 = { address: 'fd16:116::12', port: 80, family: 'inet6' as const };
  const labV4 = { address: '10.116.0.11', port: 80, family: 'inet' as const };
  assert.ok(compareRealServers(labV6, labV4) < 0);
  assert.ok(compareRealServers(labV4, labV6) > 0);
});

test('render(parse(render(x))) is render(x) with TUN real servers of both families in one service', () => {
  const table: IpvsTable = {
    services: [{
      key: { kind: 'fwmark', fwmark: 1, family: 'inet' }, scheduler: 'rr', schedFlags: [], onePacket: false,
      realServers: [v6, v4].map((rs) => ({ ...rs, method: 'tun' as const, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: { type: 'ipip' as const } })),
    }],
  };
  const once = renderRules(table);
  const parsed = parseRules(once);
  assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), []);
  const twice = renderRules(parsed.table);
  assert.equal(twice, once);
  assert.equal(renderRules(parseRules(twice).table), once);
  assert.match(once, /-r 10\.0\.0\.1:81[^\n]*\n-a -f 1 -r \[a00:1:1::\]:80/);
});
