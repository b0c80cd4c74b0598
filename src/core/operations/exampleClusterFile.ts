/**
 * The cluster file "Create Cluster File" writes: the classic DR example of docs/cluster-file.md (director
 * node3 holds VIP 192.168.116.200, real servers node1 and node2, round-robin on TCP 80), with comments that
 * say what to change. Valid as it stands (a unit test checks it).
 */
export const EXAMPLE_CLUSTER_FILE = `# LVS cluster file: hosts, clusters, virtual services and their real servers.
# Reference: docs/cluster-file.md. Secrets never go here (ssh-agent, or VS Code's secret storage).
version: 1
hosts:
  - name: node3                   # the director
    address: 192.168.116.3/24     # /24: the director's subnet (DR real servers must be on it)
    interface: eth0
    ssh:
      user: root                  # or a user with passwordless sudo (sudo: true)
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
        vipLabel: eth0:1          # the VIP shows as eth0:1, as in classic setups
    services:
      - name: http
        protocol: tcp
        vip: 192.168.116.200
        port: 80
        scheduler: rr             # rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh twos
        realServers:
          - host: node1
            port: 80
            method: dr            # dr (direct routing), nat, tun
            weight: 1
          - host: node2
            port: 80
            method: dr
            weight: 1
`;
