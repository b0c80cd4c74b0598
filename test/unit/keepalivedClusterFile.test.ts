/** The keepalived keys of the cluster file: the model they build, and each diagnostic at the range it names. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { Diagnostic } from '../../src/core/diagnostics';
import { glossaryMarkdown } from '../../src/core/language/glossary';

const HOSTS = `hosts:
  - { name: d1, address: 10.1.0.10/24, interface: eth0 }
  - { name: d2, address: 10.1.0.13/24, interface: eth0 }
  - { name: rs1, address: 10.1.0.11, interface: eth0 }
  - { name: rs2, address: 10.1.0.12, interface: eth0 }
`;

/** A file whose text is `lines`; `at(text, needle)` gives the 0-based line and column of a needle. */
function file(body: string): string {
  return `version: 1\n${HOSTS}clusters:\n${body}`;
}

function at(text: string, needle: string, nth = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `no "${needle}" in the text`);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

function only(text: string, code: string): Diagnostic {
  const hits = validateClusterFile(text).diagnostics.filter((d) => d.code === code);
  assert.equal(hits.length, 1, `${code}: ${JSON.stringify(validateClusterFile(text).diagnostics.map((d) => [d.code, d.message]))}`);
  return hits[0];
}

function assertRange(text: string, d: Diagnostic, needle: string, nth = 0): void {
  const start = at(text, needle, nth);
  assert.deepEqual(d.range.start, start);
  assert.deepEqual(d.range.end, { line: start.line, character: start.character + needle.length });
}

const HA = `  - name: ha
    engine: keepalived
    directors:
      - host: d1
      - host: d2
    vrrp:
      virtualRouterId: 51
      advertInterval: 0.5
    services:
      - protocol: tcp
        vip: 10.1.0.200
        port: 80
        scheduler: rr
        healthCheck:
          type: http
          path: /health
          statusCodes: [200, 204]
          interval: 2
          timeout: 1.5
        sorryServer: { address: 10.1.0.99 }
        quorum: 1
        hysteresis: 0
        realServers:
          - host: rs1
          - host: rs2
            healthCheck: { retries: 5, inhibitOnFailure: true }
          - address: 10.1.0.14
            healthCheck: { type: tcp, port: 8080 }
`;

describe('keepalived keys: the model', () => {
  const { model, diagnostics } = validateClusterFile(file(HA));
  const cluster = model.clusters[0];
  const svc = cluster.services[0];

  it('is clean', () => assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.message}`), []));

  it('has the engine, the VRRP instance with its defaults, and priorities from the order of the directors', () => {
    assert.equal(cluster.engine, 'keepalived');
    assert.deepEqual(cluster.vrrp, { virtualRouterId: 51, advertInterval: 0.5, preempt: true, multicast: false, strict: false, accept: false, syncConnections: false });
    assert.deepEqual(cluster.directors.map((d) => [d.host, d.priority]), [['d1', 150], ['d2', 140]]);
  });

  it('resolves each real server\'s check: inherited, overridden, and a new type dropping the http keys', () => {
    assert.deepEqual(svc.realServers[0].healthCheck, {
      type: 'http', interval: 2, timeout: 1.5, retries: 2, retryDelay: 1, inhibitOnFailure: false, path: '/health', statusCodes: [200, 204],
    });
    assert.deepEqual(svc.realServers[1].healthCheck, {
      type: 'http', interval: 2, timeout: 1.5, retries: 5, retryDelay: 1, inhibitOnFailure: true, path: '/health', statusCodes: [200, 204],
    });
    assert.deepEqual(svc.realServers[2].healthCheck, { type: 'tcp', port: 8080, interval: 2, timeout: 1.5, retries: 2, retryDelay: 1, inhibitOnFailure: false });
  });

  it('has the sorry server (port of the service), quorum and hysteresis', () => {
    assert.deepEqual(svc.sorryServer, { address: '10.1.0.99', port: 80 });
    assert.equal(svc.quorum, 1);
    assert.equal(svc.hysteresis, 0);
  });

  it('an ipvsadm cluster has engine ipvsadm and no vrrp', () => {
    const plain = validateClusterFile(file('  - name: web\n    directors: [{ host: d1 }]\n')).model.clusters[0];
    assert.equal(plain.engine, 'ipvsadm');
    assert.equal(plain.vrrp, undefined);
    assert.equal(plain.directors[0].priority, undefined);
  });
});

describe('keepalived keys: diagnostics and their ranges', () => {
  it('LVS043 on each keepalived key of an ipvsadm cluster', () => {
    const text = file(HA.replace('    engine: keepalived\n', ''));
    const hits = validateClusterFile(text).diagnostics.filter((d) => d.code === 'LVS043');
    assert.deepEqual(hits.map((d) => d.range.start), [at(text, 'vrrp:'), at(text, 'healthCheck:'), at(text, 'sorryServer:'), at(text, 'quorum:'),
      at(text, 'hysteresis:'), at(text, 'healthCheck:', 1), at(text, 'healthCheck:', 2)].sort((a, b) => a.line - b.line));
  });

  it('LVS005 for a keepalived cluster without vrrp, for vrrp without virtualRouterId, and without a VIP', () => {
    const svc = '    services: [{ protocol: tcp, vip: 10.1.0.200, port: 80 }]\n';
    const noVrrp = file(`  - name: ha\n    engine: keepalived\n    directors: [{ host: d1 }]\n${svc}`);
    assertRange(noVrrp, only(noVrrp, 'LVS005'), 'name', 4);
    const noId = file(`  - name: ha\n    engine: keepalived\n    directors: [{ host: d1 }]\n    vrrp: { advertInterval: 1 }\n${svc}`);
    assertRange(noId, only(noId, 'LVS005'), 'advertInterval');
    const noVip = file('  - name: ha\n    engine: keepalived\n    directors: [{ host: d1 }]\n    vrrp: { virtualRouterId: 3 }\n    services: [{ fwmark: 4 }]\n');
    const d = only(noVip, 'LVS005');
    assertRange(noVip, d, 'ha');
    assert.match(d.message, /no IPv4 VIP/);
  });

  it('LVS008 explains why VRRP takes no password', () => {
    const text = file(HA.replace('      virtualRouterId: 51\n', '      virtualRouterId: 51\n      authPass: secret1\n'));
    const d = only(text, 'LVS008');
    assertRange(text, d, 'authPass');
    assert.match(d.message, /VRRPv3/);
    assert.equal(validateClusterFile(text).diagnostics.length, 1);
  });

  it('LVS016 on an advert interval VRRPv3 cannot carry, and on priority 255', () => {
    const text = file(HA.replace('advertInterval: 0.5', 'advertInterval: 41').replace('      - host: d2\n', '      - host: d2\n        priority: 255\n'));
    const hits = validateClusterFile(text).diagnostics.filter((d) => d.code === 'LVS016');
    assert.deepEqual(hits.map((d) => d.range.start), [at(text, '255'), at(text, '41')]);
  });

  it('LVS044 at the second cluster\'s virtual router id', () => {
    const text = file(`${HA}  - name: ha2\n    engine: keepalived\n    directors: [{ host: d2 }]\n    vrrp: { virtualRouterId: 51 }\n    services: [{ protocol: tcp, vip: 10.1.0.201, port: 80 }]\n`);
    const d = only(text, 'LVS044');
    assertRange(text, d, '51', 1);
    assert.match(d.message, /"ha"/);
  });

  it('LVS045 at the second director with an equal priority (given or derived)', () => {
    const text = file(HA.replace('      - host: d2\n', '      - host: d2\n        priority: 150\n'));
    assertRange(text, only(text, 'LVS045'), '150');
  });

  it('LVS046 at strict, LVS037 for strict with unicast', () => {
    const strict = file(HA.replace('advertInterval: 0.5', 'advertInterval: 0.5\n      multicast: true\n      strict: true'));
    assertRange(strict, only(strict, 'LVS046'), 'strict');
    const unicast = file(HA.replace('advertInterval: 0.5', 'advertInterval: 0.5\n      strict: true\n      accept: true'));
    assertRange(unicast, only(unicast, 'LVS037'), 'strict');
  });

  it('LVS047 once at the service check of a fwmark service, LVS048 at a key of another type', () => {
    const fwmark = file(`  - name: ha
    engine: keepalived
    directors: [{ host: d1 }]
    vrrp: { virtualRouterId: 7 }
    services:
      - fwmark: 3
        vip: 10.1.0.200
        healthCheck: { type: http }
        realServers: [{ host: rs1 }, { host: rs2 }]
`);
    assertRange(fwmark, only(fwmark, 'LVS047'), 'healthCheck');
    const other = file(HA.replace('healthCheck: { type: tcp, port: 8080 }', 'healthCheck: { type: tcp, port: 8080, path: /x }'));
    assertRange(other, only(other, 'LVS048'), 'path', 1);
  });

  it('LVS009 on values that could change keepalived.conf: path, script, virtual host; LVS005 for misc without script', () => {
    const text = file(HA.replace('path: /health', 'path: "/a b{"').replace('statusCodes: [200, 204]', 'statusCodes: [200]\n          virtualHost: "x;include /etc"'));
    const hits = validateClusterFile(text).diagnostics.filter((d) => d.code === 'LVS009');
    assert.deepEqual(hits.map((d) => d.range.start), [at(text, '"/a b{"'), at(text, '"x;include')]);
    const misc = file(HA.replace('healthCheck: { type: tcp, port: 8080 }', 'healthCheck: { type: misc, script: "/bin/check $HOME" }'));
    assertRange(misc, only(misc, 'LVS009'), '"/bin/check $HOME"');
    const noScript = file(HA.replace('healthCheck: { type: tcp, port: 8080 }', 'healthCheck: { type: misc }'));
    assertRange(noScript, only(noScript, 'LVS005'), 'type', 1);
  });
});

describe('keepalived words in the glossary (hover and completion docs)', () => {
  it('explains both engines and the check types', () => {
    for (const w of ['ipvsadm', 'keepalived']) assert.match(glossaryMarkdown(w) ?? '', new RegExp(`^\\*\\*engine ${w}\\*\\*`));
    for (const w of ['http', 'https', 'dns', 'smtp', 'misc']) assert.match(glossaryMarkdown(w) ?? '', /_CHECK|_GET/);
  });
});
