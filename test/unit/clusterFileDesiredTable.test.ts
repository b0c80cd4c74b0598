/** desiredTable: the IPVS table a cluster's directors must hold, for DR, NAT, TUN, fwmark and IPv6 services. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredTable } from '../../src/core/clusterFile/desiredTable';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { IpvsTable } from '../../src/core/ipvs/types';
import { CLASSIC_DR_EXAMPLE, clusterFileWith } from '../builders/clusterFileText';

function tableOf(text: string, cluster = 'web'): IpvsTable {
  const { model, diagnostics } = validateClusterFile(text);
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return desiredTable(model, cluster);
}

describe('desiredTable', () => {
  it('classic DR example: -A -t 192.168.116.200:80 -s rr and two -a … -g -w 1', () => {
    const { diagnostics } = validateClusterFile(CLASSIC_DR_EXAMPLE);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(tableOf(CLASSIC_DR_EXAMPLE), {
      services: [{
        key: { kind: 'addr', protocol: 'tcp', address: '192.168.116.200', port: 80, family: 'inet' },
        scheduler: 'rr',
        schedFlags: [],
        onePacket: false,
        realServers: [
          { address: '192.168.116.4', port: 80, family: 'inet', method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
          { address: '192.168.116.5', port: 80, family: 'inet', method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 },
        ],
      }],
    });
  });

  it('defaults: scheduler wlc, method dr, weight 1, port of the service', () => {
    const t = tableOf(clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 443\n  realServers:\n    - host: node1' }));
    assert.equal(t.services[0].scheduler, 'wlc');
    assert.deepEqual(t.services[0].realServers[0], { address: '192.168.116.4', port: 443, family: 'inet', method: 'dr', weight: 1, upperThreshold: 0, lowerThreshold: 0 });
  });

  it('NAT keeps its own port; DR with a different port is forced to the service port', () => {
    const t = tableOf(clusterFileWith({ services: `
- protocol: tcp
  vip: 192.168.116.200
  port: 80
  realServers:
    - { host: node1, method: nat, port: 8080, weight: 3 }
    - { host: node2, method: dr, port: 8080 }` }));
    assert.deepEqual(t.services[0].realServers.map((r) => [r.method, r.port, r.weight]), [['nat', 8080, 3], ['dr', 80, 1]]);
  });

  it('TUN with GUE options, thresholds, persistence with default and given netmask, sh flags canonical', () => {
    const t = tableOf(clusterFileWith({ services: `
- protocol: udp
  vip: 192.168.116.200
  port: 5060
  scheduler: sh
  schedulerFlags: [flag-2, sh-fallback]
  persistence: { timeout: 120 }
  pe: sip
  onePacket: true
  realServers:
    - { host: node1, method: tun, tunnel: { type: gue, port: 6080, checksum: remcsum }, upperThreshold: 100, lowerThreshold: 50 }
- protocol: tcp
  vip: 192.168.116.201
  port: 443
  persistence: { netmask: 255.255.255.0 }
  realServers:
    - { host: node2, method: tun, port: 443, tunnel: { type: ipip } }` }));
    const [sip, https] = t.services;
    assert.deepEqual(sip.schedFlags, ['sh-fallback', 'sh-port']);
    assert.deepEqual(sip.persistence, { timeout: 120, netmask: '255.255.255.255' });
    assert.equal(sip.pe, 'sip');
    assert.equal(sip.onePacket, true);
    assert.deepEqual(sip.realServers[0], {
      address: '192.168.116.4', port: 5060, family: 'inet', method: 'tun', weight: 1, upperThreshold: 100, lowerThreshold: 50,
      tunnel: { type: 'gue', port: 6080, checksum: 'remcsum' },
    });
    assert.deepEqual(https.persistence, { timeout: 300, netmask: '255.255.255.0' });
    assert.deepEqual(https.realServers[0].tunnel, { type: 'ipip' });
  });

  it('fwmark services keep real-server ports (ipvsadm does not force them)', () => {
    const t = tableOf(clusterFileWith({ services: `
- fwmark: 10
  scheduler: rr
  realServers:
    - { host: node1 }
    - { host: node2, port: 0, method: nat }
- fwmark: 10
  family: ipv6` }));
    assert.deepEqual(t.services[0].key, { kind: 'fwmark', fwmark: 10, family: 'inet' });
    assert.deepEqual(t.services[0].realServers.map((r) => r.port), [0, 0]);
    assert.deepEqual(t.services[1].key, { kind: 'fwmark', fwmark: 10, family: 'inet6' });
  });

  it('IPv6: VIP canonicalised, host addresses of the service family, prefix length netmask', () => {
    const text = `version: 1
hosts:
  - name: lb
    addresses: [10.0.0.1/24, "fd00:0:0:0::1/64"]
    interface: eth0
  - name: web1
    addresses: [10.0.0.11, "FD00::0b"]
clusters:
  - name: v6
    directors: [{ host: lb }]
    services:
      - protocol: tcp
        vip: "fd00:0::100"
        port: 80
        persistence: { netmask: 64 }
        realServers:
          - host: web1
          - address: "fd00::c"
`;
    const t = tableOf(text, 'v6');
    assert.deepEqual(t.services[0].key, { kind: 'addr', protocol: 'tcp', address: 'fd00::100', port: 80, family: 'inet6' });
    assert.deepEqual(t.services[0].persistence, { timeout: 300, netmask: '64' });
    assert.deepEqual(t.services[0].realServers.map((r) => [r.address, r.family]), [['fd00::b', 'inet6'], ['fd00::c', 'inet6']]);
  });

  it('throws on an unknown cluster name', () => {
    const { model } = validateClusterFile(CLASSIC_DR_EXAMPLE);
    assert.throws(() => desiredTable(model, 'nope'), /no cluster named "nope"/);
  });
});
