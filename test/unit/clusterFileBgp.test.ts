/** `mode: active-active` and `bgp:` of the cluster file: the model, its defaults and where the diagnostics point. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { clusterFileWith } from '../builders/clusterFileText';

const activeActive = (bgp: string, services?: string): string => clusterFileWith({
  directors: '- host: node3\n- host: node4',
  clusterKeys: `mode: active-active\nbgp:\n  ${bgp.split('\n').join('\n  ')}`,
  services: services ?? `
- { protocol: tcp, vip: 192.168.116.200, port: 80, scheduler: mh, realServers: [{ host: node1 }] }
- { protocol: udp, vip: 192.168.116.201, port: 53, scheduler: rr, realServers: [{ host: node2 }] }
- { protocol: tcp, vip: 192.168.116.200, port: 443, scheduler: sh, realServers: [{ host: node2 }] }`,
});

describe('cluster file: active-active and bgp', () => {
  it('builds the BGP model with its defaults: announce every service VIP once, keepalive a third of the hold time', () => {
    const { model, diagnostics } = validateClusterFile(activeActive('localAs: 65116\npeers:\n  - { address: 192.168.116.1, as: 65000 }\nholdTime: 9'));
    assert.deepEqual(diagnostics, []);
    const c = model.clusters[0];
    assert.equal(c.mode, 'active-active');
    assert.deepEqual(c.bgp, {
      localAs: 65116, peers: [{ address: '192.168.116.1', family: 'inet', as: 65000 }], holdTime: 9, keepaliveTime: 3, bfd: false,
      announce: ['192.168.116.200', '192.168.116.201'],
    });
  });

  it('keeps the written announce list, timers, BFD and multihop; the default mode is active-passive without bgp', () => {
    const { model, diagnostics } = validateClusterFile(activeActive(
      'localAs: 4200000001\npeers:\n  - { address: 10.9.9.9, as: 4294967294, multihop: 3 }\nholdTime: 30\nkeepaliveTime: 5\nbfd: true\nannounce: [192.168.116.201]'));
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(model.clusters[0].bgp, {
      localAs: 4200000001, peers: [{ address: '10.9.9.9', family: 'inet', as: 4294967294, multihop: 3 }], holdTime: 30, keepaliveTime: 5,
      bfd: true, announce: ['192.168.116.201'],
    });
    const plain = validateClusterFile(clusterFileWith()).model.clusters[0];
    assert.equal(plain.mode, 'active-passive');
    assert.equal(plain.bgp, undefined);
  });

  it('defaults the hold time to 90 s and keepalive to 30 s', () => {
    const { model } = validateClusterFile(activeActive('localAs: 65116\npeers:\n  - { address: 192.168.116.1, as: 65000 }'));
    assert.deepEqual([model.clusters[0].bgp?.holdTime, model.clusters[0].bgp?.keepaliveTime], [90, 30]);
  });

  it('points at the value: AS out of range, hold time below 3, the scheduler, the peer address off the link', () => {
    const text = activeActive('localAs: 65116\npeers:\n  - { address: 10.1.2.3, as: 0 }\n  - { address: 10.1.2.4, as: 65000 }\nholdTime: 2',
      '- { protocol: tcp, vip: 192.168.116.200, port: 80, scheduler: wrr, realServers: [{ host: node1 }] }');
    const { diagnostics, model } = validateClusterFile(text);
    const at = (code: string): string[] => diagnostics.filter((d) => d.code === code).map((d) => {
      const lines = text.split('\n');
      return lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
    });
    assert.deepEqual(at('LVS050'), ['0']);
    assert.deepEqual(at('LVS016'), ['2']);
    assert.deepEqual(at('LVS049'), ['wrr']);
    // One warning per director whose prefix is known (node3 and node4 are both /24), at the peer's address.
    assert.deepEqual(at('LVS051'), ['10.1.2.4', '10.1.2.4']);
    // The peer with the bad AS is left out; the bad hold time falls back to the default.
    assert.deepEqual(model.clusters[0].bgp?.peers.map((p) => p.address), ['10.1.2.4']);
    assert.equal(model.clusters[0].bgp?.holdTime, 90);
  });

  it('skips the link check when the director\'s prefix is unknown, and UDP services need no mh', () => {
    const text = clusterFileWith({
      hosts: '- { name: d1, address: 192.168.116.3, interface: eth0 }\n- { name: node1, address: 192.168.116.4, interface: eth0 }',
      directors: '- host: d1',
      clusterKeys: 'mode: active-active\nbgp: { localAs: 65116, peers: [{ address: 10.1.2.3, as: 65000 }] }',
      services: '- { protocol: udp, vip: 192.168.116.200, port: 53, scheduler: rr, realServers: [{ host: node1 }] }',
    });
    assert.deepEqual(validateClusterFile(text).diagnostics, []);
  });

  it('reports duplicate peers and announced addresses, and a director without an IPv4 router id', () => {
    const text = clusterFileWith({
      hosts: '- { name: d6, address: "fd00::3/64", interface: eth0 }\n- { name: node1, address: "fd00::4", interface: eth0 }',
      directors: '- host: d6',
      clusterKeys: 'mode: active-active\nbgp:\n  localAs: 65116\n  peers: [{ address: "fd00::1", as: 65000 }, { address: "fd00:0::1", as: 65001 }]\n  announce: ["fd00::200", "fd00::200"]',
      services: '- { protocol: tcp, vip: "fd00::200", port: 80, scheduler: mh, realServers: [{ host: node1 }] }',
    });
    const codes = validateClusterFile(text).diagnostics.map((d) => d.code);
    assert.deepEqual(codes.sort(), ['LVS023', 'LVS023', 'LVS027']);
  });
});
