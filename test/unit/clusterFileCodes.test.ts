/**
 * Every diagnostic code of the cluster file: a file that raises it, a corrected file that does not (and is
 * clean), and — where the diagnostic has a quick fix — the fixed text no longer raises it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLUSTER_FILE_CODES } from '../../src/core/clusterFile/diagnosticCodes';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import { clusterFileWith, STANDARD_HOSTS } from '../builders/clusterFileText';
import { applyEdits } from '../builders/textEdits';

interface Case {
  code: string;
  title: string;
  bad: string;
  good: string;
  /** The first diagnostic of `code` has a quick fix that removes it. */
  fix?: boolean;
}

const svc = (body: string): string => `
- protocol: tcp
  vip: 192.168.116.200
  port: 80
${body.replace(/^\n/, '').replace(/\s+$/, '').split('\n').map((l) => `  ${l}`).join('\n')}
`;

const twoClusters = (a: string, b: string): string => clusterFileWith({
  services: svc(`realServers:\n  - host: node1\n    method: ${a}`),
  clusters: `
- name: other
  directors:
    - host: node4
  services:
    - protocol: tcp
      vip: 192.168.116.201
      port: 80
      realServers:
        - host: node1
          method: ${b}
`,
});

/** A keepalived cluster "web" (directors node3, node4) with `vrrp` extra keys and `services`. */
const ka = (vrrpExtra: string, services?: string, directors = '- host: node3\n- host: node4', clusters?: string): string => clusterFileWith({
  directors, clusterKeys: `engine: keepalived\nvrrp:\n  virtualRouterId: 51${vrrpExtra ? `\n  ${vrrpExtra.split('\n').join('\n  ')}` : ''}`,
  ...(services !== undefined ? { services } : {}), ...(clusters !== undefined ? { clusters } : {}),
});
const kaOther = (id: number): string => `
- name: other
  directors:
    - host: node2
  engine: keepalived
  vrrp: { virtualRouterId: ${id} }
  services:
    - { protocol: tcp, vip: 192.168.116.202, port: 80 }
`;
const fwmarkSvc = (check: string): string => `
- fwmark: 10
  vip: 192.168.116.200
  healthCheck: { ${check} }
  realServers:
    - host: node1
`;

/** An active-active cluster "web" (directors node3, node4) with a `bgp` body and `services` (default: one mh service). */
const AA_PEER = 'peers:\n  - { address: 192.168.116.1, as: 65000 }';
const aa = (bgpBody = `localAs: 65116\n${AA_PEER}`, services = svc('scheduler: mh\nrealServers:\n  - host: node1'), extra = '', clusters?: string): string => clusterFileWith({
  directors: '- host: node3\n- host: node4',
  clusterKeys: `mode: active-active${extra ? `\n${extra}` : ''}\nbgp:\n  ${bgpBody.split('\n').join('\n  ')}`,
  services, ...(clusters !== undefined ? { clusters } : {}),
});

const CASES: Case[] = [
  { code: 'LVS001', title: 'YAML syntax error', bad: 'version: 1\nhosts: [\n', good: 'version: 1\nhosts: []\n' },
  { code: 'LVS002', title: 'YAML warning', bad: '%YAML 1.3\n---\nversion: 1\n', good: '%YAML 1.2\n---\nversion: 1\n' },
  { code: 'LVS003', title: 'version not 1', bad: 'version: 2\n', good: 'version: 1\n', fix: true },
  { code: 'LVS003', title: 'version missing', bad: 'hosts: []\n', good: 'version: 1\nhosts: []\n' },
  { code: 'LVS003', title: 'empty file', bad: '', good: 'version: 1\n' },
  { code: 'LVS004', title: 'unknown key with a likely typo', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    wieght: 2') }),
    good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    weight: 2') }), fix: true },
  { code: 'LVS004', title: 'unknown top-level key', bad: 'version: 1\nclsuters: []\n', good: 'version: 1\nclusters: []\n', fix: true },
  { code: 'LVS005', title: 'director without host', bad: clusterFileWith({ directors: '- interface: eth0' }), good: clusterFileWith({ directors: '- host: node3\n  interface: eth0' }) },
  { code: 'LVS005', title: 'service without port', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  realServers:\n    - host: node1' }),
    good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80\n  realServers:\n    - host: node1' }) },
  { code: 'LVS005', title: 'cluster with no director', bad: 'version: 1\nclusters:\n  - name: web\n    directors: []\n', good: 'version: 1\nhosts:\n  - name: a\n    interface: eth0\nclusters:\n  - name: web\n    directors: [{ host: a }]\n' },
  { code: 'LVS006', title: 'port as text', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: "80"' }),
    good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80' }) },
  { code: 'LVS006', title: 'hosts not a list', bad: 'version: 1\nhosts: node1\n', good: 'version: 1\nhosts: []\n' },
  { code: 'LVS007', title: 'duplicate key', bad: clusterFileWith({ services: svc('scheduler: rr\nscheduler: wrr') }), good: clusterFileWith({ services: svc('scheduler: rr') }), fix: true },
  { code: 'LVS008', title: 'password in ssh settings', bad: clusterFileWith({ hosts: `${STANDARD_HOSTS}\n- name: node5\n  ssh:\n    user: root\n    password: hunter2` }),
    good: clusterFileWith({ hosts: `${STANDARD_HOSTS}\n- name: node5\n  ssh:\n    user: root` }), fix: true },
  { code: 'LVS008', title: 'secret under an unknown key', bad: 'version: 1\nvault:\n  apiToken: abc\n', good: 'version: 1\n' },
  { code: 'LVS009', title: 'shell metacharacters in an interface', bad: clusterFileWith({ directors: '- host: node3\n  interface: "eth0;reboot"' }), good: clusterFileWith({ directors: '- host: node3\n  interface: eth0' }) },
  { code: 'LVS009', title: 'identity file with a space', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      identityFile: "~/my key"\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      identityFile: ~/.ssh/id_ed25519\n' },
  { code: 'LVS009', title: 'ssh host starting with -', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      host: -oProxyCommand=x\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      host: a.example.org\n' },
  { code: 'LVS009', title: 'identity file climbing out with ..', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      identityFile: ~/.ssh/../../bob/.ssh/id_ed25519\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      identityFile: ~/.ssh/id_ed25519\n' },
  { code: 'LVS041', title: 'host keys not checked', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      strictHostKeyChecking: "no"\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      strictHostKeyChecking: ask\n' },
  { code: 'LVS041', title: 'first key trusted without asking', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      strictHostKeyChecking: accept-new\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      strictHostKeyChecking: "yes"\n' },
  { code: 'LVS042', title: 'known hosts in /dev/null', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      knownHostsFile: /dev/null\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      knownHostsFile: ~/.ssh/known_hosts\n' },
  { code: 'LVS042', title: 'known hosts chosen outside the home directory', bad: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      knownHostsFile: /srv/shared/known_hosts\n', good: 'version: 1\nhosts:\n  - name: a\n    ssh:\n      knownHostsFile: known_hosts_lab\n' },
  { code: 'LVS010', title: 'invalid VIP', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.300\n  port: 80' }), good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.201\n  port: 80' }) },
  { code: 'LVS010', title: 'VIP with a prefix', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200/24\n  port: 80' }), good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80' }), fix: true },
  { code: 'LVS011', title: 'port out of range', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 70000' }), good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 7000' }) },
  { code: 'LVS011', title: 'port 0 without persistence', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 0' }), good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 0\n  persistence: { timeout: 600 }' }) },
  { code: 'LVS012', title: 'fwmark 0', bad: clusterFileWith({ services: '- fwmark: 0' }), good: clusterFileWith({ services: '- fwmark: 1' }) },
  { code: 'LVS012', title: 'fwmark above 2^32-1', bad: clusterFileWith({ services: '- fwmark: 4294967296' }), good: clusterFileWith({ services: '- fwmark: 4294967295' }) },
  { code: 'LVS013', title: 'misspelt protocol', bad: clusterFileWith({ services: '- protocol: tpc\n  vip: 192.168.116.200\n  port: 80' }), good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80' }), fix: true },
  { code: 'LVS014', title: 'scheduler rrr', bad: clusterFileWith({ services: svc('scheduler: rrr') }), good: clusterFileWith({ services: svc('scheduler: rr') }), fix: true },
  { code: 'LVS014', title: 'scheduler robin', bad: clusterFileWith({ services: svc('scheduler: robin') }), good: clusterFileWith({ services: svc('scheduler: rr') }), fix: true },
  { code: 'LVS015', title: 'sh flag on rr', bad: clusterFileWith({ services: svc('scheduler: rr\nschedulerFlags: [sh-port]') }), good: clusterFileWith({ services: svc('scheduler: sh\nschedulerFlags: [sh-port]') }) },
  { code: 'LVS016', title: 'weight out of range', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    weight: 70000') }), good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    weight: 0') }) },
  { code: 'LVS017', title: 'lower threshold above upper', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    upperThreshold: 10\n    lowerThreshold: 20') }),
    good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    upperThreshold: 20\n    lowerThreshold: 10') }) },
  { code: 'LVS018', title: 'IPv4 netmask as a prefix length', bad: clusterFileWith({ services: svc('persistence:\n  timeout: 300\n  netmask: 24') }), good: clusterFileWith({ services: svc('persistence:\n  timeout: 300\n  netmask: 255.255.255.0') }), fix: true },
  { code: 'LVS018', title: 'non-contiguous netmask', bad: clusterFileWith({ services: svc('persistence:\n  netmask: 255.0.255.0') }), good: clusterFileWith({ services: svc('persistence:\n  netmask: 255.255.0.0') }) },
  { code: 'LVS018', title: 'IPv6 netmask 0 (ipvsadm refuses it)', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: "fd00::200"\n  port: 80\n  persistence:\n    netmask: 0' }),
    good: clusterFileWith({ services: '- protocol: tcp\n  vip: "fd00::200"\n  port: 80\n  persistence:\n    netmask: 64' }) },
  { code: 'LVS019', title: 'pe sip without persistence', bad: clusterFileWith({ services: '- protocol: udp\n  vip: 192.168.116.200\n  port: 5060\n  pe: sip' }),
    good: clusterFileWith({ services: '- protocol: udp\n  vip: 192.168.116.200\n  port: 5060\n  pe: sip\n  persistence: { timeout: 60 }' }) },
  { code: 'LVS040', title: 'onePacket on tcp', bad: clusterFileWith({ services: svc('onePacket: true') }), good: clusterFileWith({ services: '- protocol: udp\n  vip: 192.168.116.200\n  port: 53\n  onePacket: true' }), fix: true },
  { code: 'LVS020', title: 'pe sip on tcp', bad: clusterFileWith({ services: svc('pe: sip\npersistence: {}') }), good: clusterFileWith({ services: '- protocol: udp\n  vip: 192.168.116.200\n  port: 5060\n  pe: sip\n  persistence: {}' }) },
  { code: 'LVS021', title: 'DR port differs from the service port', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    port: 8080') }),
    good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    port: 80') }), fix: true },
  { code: 'LVS022', title: 'tunnel options on a DR server', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    tunnel: { type: ipip }') }),
    good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    method: tun\n    tunnel: { type: ipip }') }), fix: true },
  { code: 'LVS022', title: 'GUE tunnel without port', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    method: tun\n    tunnel: { type: gue }') }),
    good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    method: tun\n    tunnel: { type: gue, port: 6080 }') }) },
  { code: 'LVS023', title: 'duplicate real server', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n  - address: 192.168.116.4') }),
    good: clusterFileWith({ services: svc('realServers:\n  - host: node1\n  - address: 192.168.116.5') }), fix: true },
  { code: 'LVS023', title: 'duplicate host', bad: clusterFileWith({ hosts: `${STANDARD_HOSTS}\n- name: node2\n  address: 192.168.116.9` }), good: clusterFileWith(), fix: true },
  { code: 'LVS023', title: 'duplicate service', bad: clusterFileWith({ services: `${svc('scheduler: rr')}\n- protocol: tcp\n  vip: 192.168.116.200\n  port: 80` }), good: clusterFileWith({ services: svc('scheduler: rr') }), fix: true },
  { code: 'LVS023', title: 'duplicate cluster', bad: clusterFileWith({ clusters: '- name: web\n  directors: [{ host: node4 }]' }), good: clusterFileWith({ clusters: '- name: web2\n  directors: [{ host: node4 }]' }), fix: true },
  { code: 'LVS024', title: 'same service in two clusters sharing a director', bad: clusterFileWith({ clusters: '- name: other\n  directors: [{ host: node3 }]\n  services:\n    - { protocol: tcp, vip: 192.168.116.200, port: 80 }' }),
    good: clusterFileWith({ clusters: '- name: other\n  directors: [{ host: node3 }]\n  services:\n    - { protocol: tcp, vip: 192.168.116.200, port: 443 }' }) },
  { code: 'LVS025', title: 'unknown real-server host', bad: clusterFileWith({ services: svc('realServers:\n  - host: nod1') }), good: clusterFileWith({ services: svc('realServers:\n  - host: node1') }), fix: true },
  { code: 'LVS025', title: 'unknown director', bad: clusterFileWith({ directors: '- host: node33' }), good: clusterFileWith({ directors: '- host: node3' }), fix: true },
  { code: 'LVS026', title: 'proxyJump names no host', bad: 'version: 1\nhosts:\n  - name: bastion\n  - name: a\n    ssh: { proxyJump: bastoin }\n', good: 'version: 1\nhosts:\n  - name: bastion\n  - name: a\n    ssh: { proxyJump: bastion }\n', fix: true },
  { code: 'LVS027', title: 'real-server host without address', bad: clusterFileWith({ hosts: `${STANDARD_HOSTS}\n- name: node5`, services: svc('realServers:\n  - host: node5') }),
    good: clusterFileWith({ hosts: `${STANDARD_HOSTS}\n- name: node5\n  address: 192.168.116.7`, services: svc('realServers:\n  - host: node5') }) },
  { code: 'LVS028', title: 'VIP is a host address', bad: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.4\n  port: 80' }), good: clusterFileWith({ services: '- protocol: tcp\n  vip: 192.168.116.200\n  port: 80' }) },
  { code: 'LVS029', title: 'DR real server off the director subnet', bad: clusterFileWith({ services: svc('realServers:\n  - address: 192.168.117.9') }), good: clusterFileWith({ services: svc('realServers:\n  - address: 192.168.116.9') }) },
  { code: 'LVS030', title: 'IPv6 DR real server behind an IPv4 service', bad: clusterFileWith({ services: svc('realServers:\n  - address: "fd00::9"') }), good: clusterFileWith({ services: svc('realServers:\n  - address: 192.168.116.9') }) },
  { code: 'LVS031', title: 'IPv6 TUN real server behind an IPv4 service', bad: clusterFileWith({ services: svc('realServers:\n  - address: "fd00::9"\n    method: tun') }), good: clusterFileWith({ services: svc('realServers:\n  - address: 192.168.116.9\n    method: tun') }) },
  { code: 'LVS032', title: 'DR in one cluster, NAT in another', bad: twoClusters('dr', 'nat'), good: twoClusters('dr', 'dr') },
  { code: 'LVS033', title: 'NAT behind two directors', bad: twoClusters('nat', 'nat'), good: twoClusters('tun', 'tun') },
  { code: 'LVS034', title: 'director as a real server', bad: clusterFileWith({ services: svc('realServers:\n  - host: node3') }), good: clusterFileWith({ services: svc('realServers:\n  - host: node1') }) },
  { code: 'LVS035', title: 'sysctl typo', bad: clusterFileWith({ clusterKeys: 'sysctls:\n  expire_nodest: 1' }), good: clusterFileWith({ clusterKeys: 'sysctls:\n  expire_nodest_conn: 1' }), fix: true },
  { code: 'LVS035', title: 'sysctl with its full name', bad: clusterFileWith({ clusterKeys: 'sysctls:\n  net.ipv4.vs.conntrack: 1' }), good: clusterFileWith({ clusterKeys: 'sysctls:\n  conntrack: 1' }), fix: true },
  { code: 'LVS036', title: 'sysctl value out of range', bad: clusterFileWith({ clusterKeys: 'sysctls:\n  conntrack: 2' }), good: clusterFileWith({ clusterKeys: 'sysctls:\n  conntrack: 1' }) },
  { code: 'LVS036', title: 'sync_ports not a power of two', bad: clusterFileWith({ clusterKeys: 'sysctls:\n  sync_ports: 3' }), good: clusterFileWith({ clusterKeys: 'sysctls:\n  sync_ports: 4' }) },
  { code: 'LVS037', title: 'protocol and fwmark', bad: clusterFileWith({ services: '- protocol: tcp\n  fwmark: 5\n  vip: 192.168.116.200\n  port: 80' }), good: clusterFileWith({ services: '- fwmark: 5\n  vip: 192.168.116.200' }) },
  { code: 'LVS037', title: 'real server with host and address', bad: clusterFileWith({ services: svc('realServers:\n  - host: node1\n    address: 192.168.116.4') }), good: clusterFileWith({ services: svc('realServers:\n  - host: node1') }) },
  { code: 'LVS038', title: 'label of another interface', bad: clusterFileWith({ directors: '- host: node3\n  vipLabel: eth1:1' }), good: clusterFileWith({ directors: '- host: node3\n  vipLabel: eth0:1' }), fix: true },
  { code: 'LVS043', title: 'vrrp on an ipvsadm cluster', bad: clusterFileWith({ clusterKeys: 'vrrp:\n  virtualRouterId: 51' }),
    good: clusterFileWith({ clusterKeys: 'engine: keepalived\nvrrp:\n  virtualRouterId: 51' }) },
  { code: 'LVS044', title: 'one virtual router id on one link', bad: ka('', undefined, undefined, kaOther(51)), good: ka('', undefined, undefined, kaOther(52)) },
  { code: 'LVS045', title: 'equal priorities', bad: ka('', undefined, '- host: node3\n  priority: 100\n- host: node4\n  priority: 100'),
    good: ka('', undefined, '- host: node3\n  priority: 100\n- host: node4\n  priority: 90') },
  { code: 'LVS046', title: 'strict without accept', bad: ka('multicast: true\nstrict: true'), good: ka('multicast: true\nstrict: true\naccept: true') },
  { code: 'LVS047', title: 'tcp check of a fwmark service without port', bad: ka('', fwmarkSvc('type: tcp')), good: ka('', fwmarkSvc('type: tcp, port: 80')) },
  { code: 'LVS048', title: 'http path on a tcp check', bad: ka('', svc('healthCheck:\n  type: tcp\n  path: /\nrealServers:\n  - host: node1')),
    good: ka('', svc('healthCheck:\n  type: http\n  path: /\nrealServers:\n  - host: node1')), fix: true },
  { code: 'LVS049', title: 'rr on an active-active TCP service', bad: aa(undefined, svc('scheduler: rr\nrealServers:\n  - host: node1')), good: aa(), fix: true },
  { code: 'LVS049', title: 'the default scheduler on an active-active service', bad: aa(undefined, svc('realServers:\n  - host: node1')), good: aa(undefined, svc('scheduler: sh\nrealServers:\n  - host: node1')) },
  { code: 'LVS050', title: 'local AS 0', bad: aa(`localAs: 0\n${AA_PEER}`), good: aa(`localAs: 4200000000\n${AA_PEER}`) },
  { code: 'LVS050', title: 'peer AS above 4294967295', bad: aa('localAs: 65116\npeers:\n  - { address: 192.168.116.1, as: 4294967296 }'), good: aa('localAs: 65116\npeers:\n  - { address: 192.168.116.1, as: 4294967295 }') },
  { code: 'LVS050', title: 'AS_TRANS', bad: aa(`localAs: 23456\n${AA_PEER}`), good: aa(`localAs: 23457\n${AA_PEER}`) },
  { code: 'LVS051', title: 'peer off the directors\' link', bad: aa('localAs: 65116\npeers:\n  - { address: 10.1.2.3, as: 65000 }'), good: aa('localAs: 65116\npeers:\n  - { address: 10.1.2.3, as: 65000, multihop: 2 }') },
  { code: 'LVS052', title: 'active-active on engine keepalived', bad: aa(undefined, undefined, 'engine: keepalived\nvrrp: { virtualRouterId: 51 }'), good: aa() },
  { code: 'LVS052', title: 'announced VIP also in a VRRP instance', bad: aa(undefined, undefined, '', kaOther(51).replace('192.168.116.202', '192.168.116.200')), good: aa(undefined, undefined, '', kaOther(51)) },
  { code: 'LVS053', title: 'announced address that is no VIP', bad: aa(`localAs: 65116\n${AA_PEER}\nannounce: [192.168.116.201]`), good: aa(`localAs: 65116\n${AA_PEER}\nannounce: [192.168.116.200]`) },
  { code: 'LVS054', title: 'IPv6 VIP without an IPv6 peer', bad: aa(undefined, '- { protocol: tcp, vip: "fd00::200", port: 80, scheduler: mh }'),
    good: aa('localAs: 65116\npeers:\n  - { address: 192.168.116.1, as: 65000 }\n  - { address: "fd00::1", as: 65000 }', '- { protocol: tcp, vip: "fd00::200", port: 80, scheduler: mh }')
      .replace('address: 192.168.116.3/24', 'addresses: [192.168.116.3/24, "fd00::3/64"]').replace('address: 192.168.116.6/24', 'addresses: [192.168.116.6/24, "fd00::6/64"]') },
  { code: 'LVS037', title: 'bgp without active-active', bad: clusterFileWith({ clusterKeys: `bgp:\n  localAs: 65116\n  ${AA_PEER.split('\n').join('\n  ')}` }), good: aa(), fix: true },
  { code: 'LVS037', title: 'keepalive not shorter than the hold time', bad: aa(`localAs: 65116\n${AA_PEER}\nholdTime: 9\nkeepaliveTime: 9`), good: aa(`localAs: 65116\n${AA_PEER}\nholdTime: 9\nkeepaliveTime: 3`) },
  { code: 'LVS005', title: 'active-active without bgp', bad: clusterFileWith({ directors: '- host: node3\n- host: node4', clusterKeys: 'mode: active-active' }), good: aa() },
  { code: 'LVS005', title: 'bgp without peers', bad: aa('localAs: 65116\npeers: []'), good: aa() },
  { code: 'LVS039', title: 'director without interface', bad: 'version: 1\nhosts:\n  - name: a\nclusters:\n  - name: c\n    directors: [{ host: a }]\n', good: 'version: 1\nhosts:\n  - name: a\nclusters:\n  - name: c\n    directors: [{ host: a, interface: eth0 }]\n' },
];

function codesOf(text: string): string[] {
  return validateClusterFile(text).diagnostics.map((d) => d.code);
}

describe('cluster file diagnostic codes', () => {
  it('every code has a case', () => {
    const covered = new Set(CASES.map((c) => c.code));
    for (const code of Object.keys(CLUSTER_FILE_CODES)) assert.ok(covered.has(code), `no test case for ${code}`);
  });

  for (const c of CASES) {
    describe(`${c.code} ${c.title}`, () => {
      it('is raised by the bad file', () => {
        const { diagnostics } = validateClusterFile(c.bad);
        const hit = diagnostics.find((d) => d.code === c.code);
        assert.ok(hit, `expected ${c.code}, got ${JSON.stringify(diagnostics.map((d) => [d.code, d.message]))}`);
        assert.equal(hit.severity, CLUSTER_FILE_CODES[c.code as keyof typeof CLUSTER_FILE_CODES].severity);
        assert.ok(hit.message.length > 10);
      });
      it('is not raised by the good file, which is clean', () => {
        const { diagnostics } = validateClusterFile(c.good);
        assert.deepEqual(diagnostics.map((d) => `${d.code} ${d.message}`), []);
      });
      if (c.fix) {
        it('has a quick fix that removes it', () => {
          const hit = validateClusterFile(c.bad).diagnostics.find((d) => d.code === c.code);
          assert.ok(hit?.fixes?.[0], 'expected a quick fix');
          const fixed = applyEdits(c.bad, hit.fixes[0].edits);
          assert.ok(!codesOf(fixed).includes(c.code), `still ${c.code} after the fix:\n${fixed}`);
          const before = new Set(codesOf(c.bad));
          for (const code of codesOf(fixed)) assert.ok(before.has(code), `the fix introduced ${code}:\n${fixed}`);
        });
      }
    });
  }
});
