/** engine ipvsadm and engine keepalived clusters on one director: the ipvsadm plan leaves keepalived's services alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { parseRules } from '../../src/core/ipvs/rulesParser';
import { keepalivedOwnedServiceKeys } from '../../src/core/keepalived/keepalivedOwned';
import { planDirector } from '../../src/core/operations/directorPreview';
import { selectCluster } from '../../src/core/operations/clusterSelection';
import { LAB_HA } from '../builders/keepalivedFiles';

const BOTH = `${LAB_HA}  - name: lab-web
    prune: true
    directors: [{ host: director, interface: eth0 }]
    services:
      - { protocol: tcp, vip: 10.116.0.200, port: 80, scheduler: rr, realServers: [{ host: rs1 }] }
`;

describe('coexistence of the two engines', () => {
  const { model, diagnostics } = validateClusterFile(BOTH);

  it('the file is clean and names keepalived\'s services', () => {
    assert.deepEqual(diagnostics.map((d) => d.code), []);
    assert.deepEqual([...keepalivedOwnedServiceKeys(model)], ['tcp:10.116.0.201:80']);
  });

  it('a pruning ipvsadm plan deletes a foreign service but neither deletes nor lists keepalived\'s', () => {
    const sel = selectCluster(model, 'lab-web');
    assert.ok(sel.ok);
    const live = parseRules([
      '-A -t 10.116.0.201:80 -s rr', '-a -t 10.116.0.201:80 -r 10.116.0.11:80 -g -w 1',
      '-A -t 10.116.0.250:80 -s rr', '-A -t 10.116.0.200:80 -s rr', '-a -t 10.116.0.200:80 -r 10.116.0.11:80 -g -w 1', '',
    ].join('\n')).table;
    const p = planDirector('director', sel.loaded, { saveText: '', table: live, counters: new Map(), sysctls: {}, managed: new Set() }, true);
    assert.deepEqual(p.plan?.foreign.map((f) => f.service), ['tcp:10.116.0.250:80']);
    assert.deepEqual(p.plan?.steps.map((s) => s.line), ['-D -t 10.116.0.250:80']);
  });
});
