/**
 * Cluster files with active-active clusters, for the BIRD renderer's golden tests and the lab test that feeds
 * the rendered files to the real `bird -p`. Addresses are the lab's (10.116.0.x, fd16:116::x).
 */

const HOSTS = `version: 1
hosts:
  - { name: director, addresses: [10.116.0.10/24, "fd16:116::10/64"], interface: eth0 }
  - { name: director2, addresses: [10.116.0.13/24, "fd16:116::13/64"], interface: eth0 }
  - { name: rs1, addresses: [10.116.0.11, "fd16:116::11"], interface: eth0 }
  - { name: rs2, addresses: [10.116.0.12, "fd16:116::12"], interface: eth0 }
`;

/** The lab's `lab-ecmp` cluster, as lab/lab.sh writes it (hosts without ssh). */
export const LAB_ECMP = `${HOSTS}clusters:
  - name: lab-ecmp
    mode: active-active
    directors:
      - host: director
        interface: eth0
      - host: director2
        interface: eth0
    bgp:
      localAs: 65116
      peers:
        - { address: 10.116.0.1, as: 65000 }
      holdTime: 6
      keepaliveTime: 2
    services:
      - name: http
        protocol: tcp
        vip: 10.116.0.202
        port: 80
        scheduler: mh
        schedulerFlags: [mh-port]   # hash the source port too: one client's connections spread over rs1/rs2
        realServers:
          - { host: rs1, port: 80, method: dr, weight: 1 }
          - { host: rs2, port: 80, method: dr, weight: 1 }
`;

/** Every BGP key: two IPv4 peers (one multihop, a 4-byte AS), an IPv6 peer, BFD, an explicit announce list, IPv4 and IPv6 VIPs. */
export const EVERY_BGP_KEY = `${HOSTS}clusters:
  - name: every-bgp
    mode: active-active
    directors:
      - host: director
      - host: director2
    bgp:
      localAs: 4200000116
      peers:
        - { address: 10.116.0.1, as: 65000 }
        - { address: 10.200.0.1, as: 4200000000, multihop: 2 }
        - { address: "fd16:116::1", as: 65000 }
      holdTime: 30
      keepaliveTime: 10
      bfd: true
      announce: [10.116.0.203, "fd16:116::203"]
    services:
      - { protocol: tcp, vip: 10.116.0.202, port: 80, scheduler: mh, realServers: [{ host: rs1 }] }
      - { protocol: tcp, vip: 10.116.0.203, port: 443, scheduler: sh, realServers: [{ host: rs2 }] }
      - { protocol: tcp, vip: "fd16:116::203", port: 443, scheduler: mh, realServers: [{ host: rs2 }] }
`;
