/**
 * A DR cluster file over namespace hosts (test/support/netnsHosts.ts): a director `lb` that is never
 * contacted, and every namespace host a DR real server reached over its 127.0.0.1 forward with the fixture's
 * key and known_hosts (strict). The VIP is inside the hosts' 10.200.0.0/16, which only exists in the
 * namespaces. Used by the netns hostprep test and the hostprep bench.
 */
import type { ClusterFile } from '../../src/core/clusterFile/types';
import { validateClusterFile } from '../../src/core/clusterFile/validate';
import type { NetnsHosts } from './netnsHosts';

export const NETNS_VIP = '10.200.0.200';

export function netnsDrClusterText(net: NetnsHosts, cluster: string, vip = NETNS_VIP): string {
  const ssh = (i: number): string => `{ host: 127.0.0.1, port: ${net.hosts[i].localPort}, user: root, identityFile: ${net.identityFile}, knownHostsFile: ${net.knownHostsFile}, strictHostKeyChecking: "yes" }`;
  return [
    'version: 1', 'hosts:',
    '  - { name: lb, address: 10.200.0.1/16, interface: eth0 }',
    ...net.hosts.map((h, i) => `  - { name: ${h.name}, address: ${h.address}/16, interface: eth0, ssh: ${ssh(i)} }`),
    'clusters:', `  - name: ${cluster}`, '    directors: [{ host: lb }]', '    services:',
    `      - { protocol: tcp, vip: ${vip}, port: 80, scheduler: rr, realServers: [`,
    ...net.hosts.map((h) => `          { host: ${h.name}, port: 80, method: dr },`),
    '        ] }', '',
  ].join('\n');
}

/** The validated model of `netnsDrClusterText`; throws on any error diagnostic. */
export function netnsDrCluster(net: NetnsHosts, cluster: string, vip = NETNS_VIP): ClusterFile {
  const { model, diagnostics } = validateClusterFile(netnsDrClusterText(net, cluster, vip));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`netns cluster file: ${errors.map((d) => d.message).join('; ')}`);
  return model;
}
