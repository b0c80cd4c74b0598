/**
 * Generates cluster files (format v1) as YAML text: the classic DR example and large synthetic files for
 * the benchmark and scale tests. Every generated file is valid (no diagnostics of severity error).
 */

export interface GeneratedFileOptions {
  /** Virtual services in the single cluster. */
  services: number;
  /** Real servers per service. */
  realServersPerService: number;
}

/** The classic DR setup: director node3 (VIP 192.168.116.200 on eth0, label eth0:1), node1 and node2 behind it, rr, port 80. */
export const CLASSIC_DR_EXAMPLE = `version: 1
hosts:
  - name: node3
    address: 192.168.116.3/24
    interface: eth0
    ssh:
      user: root
  - name: node1
    address: 192.168.116.4
    interface: eth0
  - name: node2
    address: 192.168.116.5
    interface: eth0
clusters:
  - name: web
    directors:
      - host: node3
        interface: eth0
        vipLabel: eth0:1
    services:
      - name: http
        protocol: tcp
        vip: 192.168.116.200
        port: 80
        scheduler: rr
        realServers:
          - host: node1
            port: 80
            method: dr
            weight: 1
          - host: node2
            port: 80
            method: dr
            weight: 1
`;

/** Real-server hosts in generated files: enough to exercise host resolution without one host per server. */
const HOST_POOL = 250;

function hostAddress(i: number): string {
  return `10.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

/**
 * One cluster, one director (10.0.0.1/8 so every DR real server is on its subnet), `services` TCP services on
 * distinct VIPs, each with `realServersPerService` DR real servers: half by host reference, half by address,
 * with every optional key spelled out so that every rule runs. 1000 × 10 is about 800 KiB.
 */
export function generateClusterFileText(options: GeneratedFileOptions): string {
  const out: string[] = [];
  out.push('version: 1', 'hosts:', '  - name: director1', '    address: 10.0.0.1/8', '    interface: eth0',
    '    ssh:', '      host: 10.0.0.1', '      port: 22', '      user: root', '      identityFile: ~/.ssh/id_ed25519',
    '      strictHostKeyChecking: ask');
  const hosts = Math.min(HOST_POOL, options.realServersPerService * options.services);
  for (let h = 0; h < hosts; h++) {
    out.push(`  - name: rs${h}`, `    address: ${hostAddress(h)}`, '    interface: eth0', '    ssh:', '      user: root',
      '      proxyJump: director1');
  }
  out.push('clusters:', '  - name: big', '    directors:', '      - host: director1', '        interface: eth0',
    '        vipLabel: eth0:1', '    sysctls:', '      expire_nodest_conn: 1', '      conn_reuse_mode: 1',
    '    prune: false', '    services:');
  const schedulers = ['rr', 'wrr', 'wlc', 'lc', 'sh'];
  for (let s = 0; s < options.services; s++) {
    const vip = `10.200.${Math.floor(s / 250)}.${1 + (s % 250)}`;
    const scheduler = schedulers[s % schedulers.length];
    out.push(`      - name: svc${s}`, '        protocol: tcp', `        vip: ${vip}`, '        port: 80',
      `        scheduler: ${scheduler}`);
    if (scheduler === 'sh') out.push('        schedulerFlags: [sh-port]');
    if (s % 7 === 0) out.push('        persistence:', '          timeout: 300', '          netmask: 255.255.255.0');
    if (s % 10 === 0) out.push('        onePacket: false');
    out.push('        realServers:');
    for (let r = 0; r < options.realServersPerService; r++) {
      const h = (s * options.realServersPerService + r) % hosts;
      // Within one service the pool index is distinct as long as realServersPerService <= HOST_POOL.
      if (r % 2 === 0) out.push(`          - host: rs${h}`);
      else out.push(`          - address: ${hostAddress(h)}`);
      if (r % 2 === 0) out.push('            port: 80');
      out.push(`            weight: ${1 + (r % 5)}`);
      if (r === 0) out.push('            method: dr', '            upperThreshold: 0', '            lowerThreshold: 0');
    }
  }
  out.push('');
  return out.join('\n');
}

function indent(block: string, n: number): string {
  const pad = ' '.repeat(n);
  return block.replace(/^\n+|\s+$/g, '').split('\n').map((l) => (l === '' ? l : pad + l)).join('\n');
}

/** Standard hosts of `clusterFileWith`: director node3 (192.168.116.3/24, eth0), node1, node2, node4 (eth0). */
export const STANDARD_HOSTS = `
- name: node3
  address: 192.168.116.3/24
  interface: eth0
- name: node1
  address: 192.168.116.4
  interface: eth0
- name: node2
  address: 192.168.116.5
  interface: eth0
- name: node4
  address: 192.168.116.6/24
  interface: eth0
`;

export const STANDARD_SERVICE = `
- name: http
  protocol: tcp
  vip: 192.168.116.200
  port: 80
  scheduler: rr
  realServers:
    - host: node1
    - host: node2
`;

export interface FileParts {
  /** Host items at indentation 0 (default STANDARD_HOSTS). */
  hosts?: string;
  /** Director items of cluster "web" at indentation 0 (default node3 with vipLabel eth0:1). */
  directors?: string;
  /** More keys of cluster "web" at indentation 0 (sysctls, prune). */
  clusterKeys?: string;
  /** Service items of cluster "web" at indentation 0 (default STANDARD_SERVICE). */
  services?: string;
  /** More cluster items at indentation 0. */
  clusters?: string;
}

/** A small cluster file for rule tests: cluster "web" on director node3, blocks given at indentation 0. */
export function clusterFileWith(parts: FileParts = {}): string {
  const out = ['version: 1', 'hosts:', indent(parts.hosts ?? STANDARD_HOSTS, 2), 'clusters:', '  - name: web',
    '    directors:', indent(parts.directors ?? '- host: node3\n  vipLabel: eth0:1', 6)];
  if (parts.clusterKeys) out.push(indent(parts.clusterKeys, 4));
  out.push('    services:', indent(parts.services ?? STANDARD_SERVICE, 6));
  if (parts.clusters) out.push(indent(parts.clusters, 2));
  return `${out.join('\n')}\n`;
}
