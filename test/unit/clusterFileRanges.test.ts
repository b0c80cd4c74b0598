/** Where diagnostics point (0-based line/character), the best-effort model, and the quick-fix edit shapes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { CLASSIC_DR_EXAMPLE, clusterFileWith } from '../builders/clusterFileText';
import { applyEdits } from '../builders/textEdits';

function only(text: string, code: string) {
  const hits = validateClusterFile(text).diagnostics.filter((d) => d.code === code);
  assert.equal(hits.length, 1, JSON.stringify(validateClusterFile(text).diagnostics));
  return hits[0];
}

describe('cluster file diagnostic ranges', () => {
  it('YAML syntax errors keep yaml\'s position', () => {
    const d = validateClusterFile('version: 1\nhosts:\n  - name: a\n    bad: [\n').diagnostics.find((x) => x.code === 'LVS001');
    assert.deepEqual(d?.range, { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } });
    assert.match(d?.message ?? '', /Flow sequence/);
  });

  it('unknown key: the key itself', () => {
    const d = only('version: 1\nhosts:\n  - name: a\n    adress: 10.0.0.1\n', 'LVS004');
    assert.deepEqual(d.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 10 } });
    assert.equal(d.fixes?.[0].edits[0].newText, 'address');
    assert.match(d.message, /Did you mean "address"\?/);
  });

  it('bad value: the value', () => {
    const text = CLASSIC_DR_EXAMPLE.replace('scheduler: rr', 'scheduler: wlcc');
    const d = only(text, 'LVS014');
    const line = text.split('\n').findIndex((l) => l.includes('wlcc'));
    assert.deepEqual(d.range, { start: { line, character: 19 }, end: { line, character: 23 } });
    assert.equal(d.fixes?.[0].edits[0].newText, 'wlc');
  });

  it('DR port mismatch: on the port value, fix sets the service port', () => {
    const text = clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80\n  realServers:\n    - host: node1\n      port: 8080' });
    const d = only(text, 'LVS021');
    const line = text.split('\n').findIndex((l) => l.includes('8080'));
    assert.deepEqual(d.range, { start: { line, character: 18 }, end: { line, character: 22 } });
    assert.equal(d.severity, 'warning');
    assert.ok(applyEdits(text, d.fixes?.[0].edits ?? []).includes('      port: 80\n'));
  });

  it('VIP that is a host address: on the VIP, naming the host', () => {
    const text = clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.5\n  port: 80' });
    const d = only(text, 'LVS028');
    const line = text.split('\n').findIndex((l) => l.includes('vip: 192.168.116.5'));
    assert.deepEqual(d.range.start, { line, character: 13 });
    assert.match(d.message, /node2/);
  });

  it('DR subnet warning says when the prefix is assumed', () => {
    const text = clusterFileWith({
      hosts: '- name: node3\n  address: 192.168.116.3\n  interface: eth0',
      services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80\n  realServers:\n    - address: 192.168.117.9',
    });
    assert.match(only(text, 'LVS029').message, /\/24 assumed/);
    const stated = text.replace('address: 192.168.116.3\n', 'address: 192.168.116.3/23\n');
    assert.ok(!validateClusterFile(stated).diagnostics.some((d) => d.code === 'LVS029'));
  });

  it('secrets anywhere, with a removal fix', () => {
    const text = 'version: 1\nhosts:\n  - name: a\n    passphrase: x\n    interface: eth0\n';
    const d = only(text, 'LVS008');
    assert.deepEqual(d.range.start, { line: 3, character: 4 });
    assert.match(d.message, /ssh-agent/);
    assert.equal(applyEdits(text, d.fixes?.[0].edits ?? []), 'version: 1\nhosts:\n  - name: a\n    interface: eth0\n');
  });

  it('removing a first-entry secret pulls the next entry onto the dash', () => {
    const text = 'version: 1\nhosts:\n  - password: x\n    name: a\n';
    const d = only(text, 'LVS008');
    assert.equal(applyEdits(text, d.fixes?.[0].edits ?? []), 'version: 1\nhosts:\n  - name: a\n');
  });

  it('diagnostics come sorted by position', () => {
    const text = 'version: 3\nhosts:\n  - name: "a b"\n    adress: x\n';
    const lines = validateClusterFile(text).diagnostics.map((d) => d.range.start.line);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });
});

describe('best-effort model', () => {
  it('drops invalid items and keeps the rest', () => {
    const text = clusterFileWith({ services: `
- protocol: tcp
  vip: 192.168.116.200
  port: 80
  realServers:
    - host: nosuchhost
    - address: 300.1.1.1
    - host: node2
- protocol: tcp
  vip: not-an-ip
  port: 81
- protocol: tcp
  vip: 192.168.116.201
  port: 82
  weight: 3` });
    const { model } = validateClusterFile(text);
    const services = model.clusters[0].services;
    assert.deepEqual(services.map((s) => s.port), [80, 82]);
    assert.deepEqual(services[0].realServers.map((r) => r.address), ['192.168.116.5']);
    assert.equal(model.hosts.length, 4);
  });

  it('merges the default sysctls and resolves director interfaces and host prefixes', () => {
    const { model } = validateClusterFile(clusterFileWith({ directors: '- host: node3', clusterKeys: 'sysctls:\n  conntrack: 1\n  expire_nodest_conn: 0' }));
    assert.deepEqual(model.clusters[0].sysctls, { expire_nodest_conn: 0, expire_quiescent_template: 1, conntrack: 1 });
    assert.equal(model.clusters[0].directors[0].interface, 'eth0');
    assert.deepEqual(model.hosts[0].prefixLengths, { '192.168.116.3': 24 });
  });

  it('classic example model', () => {
    const { model } = validateClusterFile(CLASSIC_DR_EXAMPLE);
    assert.deepEqual(model.hosts.map((h) => [h.name, h.addresses]), [['node3', ['192.168.116.3']], ['node1', ['192.168.116.4']], ['node2', ['192.168.116.5']]]);
    assert.deepEqual(model.clusters[0].directors.map((d) => [d.host, d.interface, d.vipLabel]), [['node3', 'eth0', 'eth0:1']]);
    assert.deepEqual(model.clusters[0].services[0].range.start, { line: 20, character: 8 });
  });
});
