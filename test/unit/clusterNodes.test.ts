/** The Clusters tree's nodes (pure part): structure, labels as operators write them, stable ids. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { EXAMPLE_CLUSTER_FILE } from '../../src/core/operations/exampleClusterFile';
import { clusterChildren, serviceChildren } from '../../src/extension/tree/clusterNodes';
import type { ClusterNode } from '../../src/extension/tree/clusterNodes';
import { CLASSIC_DR_EXAMPLE } from '../builders/clusterFileText';

const FILE = 'file:///ws/lvs.yaml';

test('the example "Create Cluster File" writes is valid and is the classic DR example', () => {
  const { model, diagnostics } = validateClusterFile(EXAMPLE_CLUSTER_FILE);
  assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.message}`), []);
  const classic = validateClusterFile(CLASSIC_DR_EXAMPLE).model;
  assert.deepEqual(JSON.parse(JSON.stringify(model, (k, v) => (k === 'range' ? undefined : v))), JSON.parse(JSON.stringify(classic, (k, v) => (k === 'range' ? undefined : v))));
});

test('cluster → director and services → real servers, with operator-style labels and stable ids', () => {
  const { model } = validateClusterFile(CLASSIC_DR_EXAMPLE);
  const children = clusterChildren(FILE, model, model.clusters[0]);
  assert.deepEqual(children.map((n) => [n.kind, n.id]), [
    ['director', `${FILE}#web/d/node3`],
    ['service', `${FILE}#web/s/tcp:192.168.116.200:80`],
  ]);
  const dir = children[0] as Extract<ClusterNode, { kind: 'director' }>;
  assert.equal(dir.address, '192.168.116.3');
  const svc = children[1] as Extract<ClusterNode, { kind: 'service' }>;
  assert.equal(svc.label, 'TCP 192.168.116.200:80 rr');
  assert.equal(svc.name, 'http');
  const servers = serviceChildren(model, svc) as Extract<ClusterNode, { kind: 'server' }>[];
  assert.deepEqual(servers.map((s) => [s.label, s.host, s.server, s.weight]), [
    ['192.168.116.4:80 DR w=1', 'node1', '192.168.116.4:80', 1],
    ['192.168.116.5:80 DR w=1', 'node2', '192.168.116.5:80', 1],
  ]);
  assert.equal(servers[0].id, `${FILE}#web/s/tcp:192.168.116.200:80/r/192.168.116.4:80`);
  // The range points at the real server's item in the file.
  assert.equal(CLASSIC_DR_EXAMPLE.split('\n')[servers[0].range.start.line].trim(), '- host: node1');
});

test('labels: UDP, IPv6 in brackets, fwmark, NAT keeps its own port, TUN', () => {
  const text = `version: 1
hosts:
  - name: lb
    addresses: [10.0.0.1/24, "fd00::1/64"]
    interface: eth0
clusters:
  - name: mix
    directors: [{ host: lb }]
    services:
      - { protocol: udp, vip: 10.0.0.100, port: 53, scheduler: wlc, realServers: [{ address: 10.0.0.5, port: 53, method: dr, weight: 3 }] }
      - { protocol: tcp, vip: "fd00::100", port: 443, scheduler: sh, realServers: [{ address: "fd00::5", port: 443, method: dr, weight: 1 }] }
      - { fwmark: 7, vip: 10.0.0.101, scheduler: rr, realServers: [{ address: 10.0.0.6, port: 0, method: tun, weight: 1 }] }
      - { protocol: tcp, vip: 10.0.0.102, port: 80, scheduler: rr, realServers: [{ address: 192.168.9.5, port: 8080, method: nat, weight: 2 }] }
`;
  const { model, diagnostics } = validateClusterFile(text);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const services = clusterChildren(FILE, model, model.clusters[0]).filter((n) => n.kind === 'service') as Extract<ClusterNode, { kind: 'service' }>[];
  assert.deepEqual(services.map((s) => s.label), ['UDP 10.0.0.100:53 wlc', 'TCP [fd00::100]:443 sh', 'FWM 7 rr', 'TCP 10.0.0.102:80 rr']);
  const labels = services.map((s) => serviceChildren(model, s).map((n) => (n as Extract<ClusterNode, { kind: 'server' }>).label));
  assert.deepEqual(labels, [['10.0.0.5:53 DR w=3'], ['[fd00::5]:443 DR w=1'], ['10.0.0.6:0 TUN w=1'], ['192.168.9.5:8080 NAT w=2']]);
});

test('a service whose scheduler is invalid shows its error, not the default scheduler; a real server its own error', () => {
  const text = CLASSIC_DR_EXAMPLE.replace('scheduler: rr', 'scheduler: roundrobin').replace(/weight: 1\n/, 'weight: -3\n');
  assert.notEqual(text, CLASSIC_DR_EXAMPLE);
  const { model, diagnostics } = validateClusterFile(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.ok(errors.some((d) => /roundrobin/.test(d.message)), JSON.stringify(errors.map((d) => d.message)));
  const svc = clusterChildren(FILE, model, model.clusters[0], diagnostics).find((n) => n.kind === 'service') as Extract<ClusterNode, { kind: 'service' }>;
  assert.equal(svc.label, 'TCP 192.168.116.200:80', 'no scheduler the file does not state');
  assert.doesNotMatch(svc.label, new RegExp(model.clusters[0].services[0].scheduler));
  assert.equal(svc.errors?.length, 1, JSON.stringify(svc.errors));
  assert.match(svc.errors?.[0] ?? '', /roundrobin/);
  const servers = serviceChildren(model, svc, diagnostics) as Extract<ClusterNode, { kind: 'server' }>[];
  assert.deepEqual(servers.map((s) => [s.label, s.errors?.length ?? 0]), [['192.168.116.4:80', 1], ['192.168.116.5:80 DR w=1', 0]]);
  // Without the diagnostics (a valid file), labels are the operator's as before.
  const valid = validateClusterFile(CLASSIC_DR_EXAMPLE);
  const plain = clusterChildren(FILE, valid.model, valid.model.clusters[0], valid.diagnostics).find((n) => n.kind === 'service') as Extract<ClusterNode, { kind: 'service' }>;
  assert.equal(plain.label, 'TCP 192.168.116.200:80 rr');
  assert.equal(plain.errors, undefined);
});
