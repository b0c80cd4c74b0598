/**
 * Cluster files with keepalived clusters, for the renderer's golden tests and the lab test that feeds the
 * rendered files to the real `keepalived -t`. Addresses are the lab's (10.116.0.x), so the files also
 * describe the lab.
 */

const HOSTS = `version: 1
hosts:
  - { name: director, address: 10.116.0.10/24, interface: eth0 }
  - { name: director2, address: 10.116.0.13/24, interface: eth0 }
  - { name: rs1, addresses: [10.116.0.11, "fd16:116::11"], interface: eth0 }
  - { name: rs2, addresses: [10.116.0.12, "fd16:116::12"], interface: eth0 }
`;

/** The lab's `lab-ha` cluster, as lab/lab.sh writes it (hosts without ssh). */
export const LAB_HA = `${HOSTS}clusters:
  - name: lab-ha
    engine: keepalived
    directors:
      - host: director
        interface: eth0
      - host: director2
        interface: eth0
    vrrp:
      virtualRouterId: 116
      advertInterval: 1
    services:
      - name: http
        protocol: tcp
        vip: 10.116.0.201
        port: 80
        scheduler: rr
        healthCheck: { type: http, path: /, statusCodes: [200], interval: 1, timeout: 1, retries: 1, retryDelay: 1 }
        realServers:
          - { host: rs1, port: 80, method: dr, weight: 1 }
          - { host: rs2, port: 80, method: dr, weight: 1 }
`;

/** Every key the renderer maps, in two clusters (unicast and strict multicast). */
export const EVERY_KEY = `${HOSTS}clusters:
  - name: every
    engine: keepalived
    directors:
      - { host: director, interface: eth0, vipLabel: "eth0:ha", priority: 200 }
      - { host: director2, interface: eth0 }
    vrrp: { virtualRouterId: 117, advertInterval: 0.25, preempt: true, preemptDelay: 2.5, syncConnections: true }
    services:
      - name: web
        protocol: tcp
        vip: 10.116.0.202
        port: 443
        scheduler: sh
        schedulerFlags: [sh-port, sh-fallback]
        persistence: { timeout: 600, netmask: 255.255.255.0 }
        healthCheck:
          type: https
          path: /health?full=1
          statusCodes: [200, 204]
          digest: 9B3A0C85A887A256D6939DA88AABD8CD
          virtualHost: www.example.com
          interval: 2.5
          timeout: 1.5
          retries: 3
          retryDelay: 0.5
          warmup: 4
        sorryServer: { address: 10.116.0.99 }
        quorum: 2
        hysteresis: 1
        realServers:
          - { host: rs1, weight: 3, upperThreshold: 100, lowerThreshold: 10 }
          - host: rs2
            healthCheck: { type: tcp, port: 8443, inhibitOnFailure: true }
      - name: dns
        protocol: udp
        vip: 10.116.0.202
        port: 53
        scheduler: wrr
        onePacket: true
        healthCheck: { type: dns, dnsName: example.com, dnsType: A, port: 53 }
        realServers:
          - { address: 10.116.0.15, method: nat, port: 5353 }
          - { address: 10.116.0.14, method: tun, tunnel: { type: gue, port: 6080, checksum: nocsum } }
      - name: mail
        protocol: tcp
        vip: "fd16:116::202"
        port: 25
        scheduler: lc
        healthCheck: { type: smtp, timeout: 5 }
        realServers:
          - { host: rs1 }
          - host: rs2
            healthCheck: { type: misc, script: /usr/local/bin/check-mail, timeout: 2.5 }
      - name: marked
        fwmark: 7
        vip: 10.116.0.203
        scheduler: mh
        schedulerFlags: [mh-port]
        persistence: { timeout: 60 }
        pe: sip
        healthCheck: { type: tcp, port: 5060 }
        realServers:
          - { host: rs1 }
          - { address: 10.116.0.16, port: 5060, method: nat }
  - name: strict
    engine: keepalived
    directors: [{ host: director }, { host: director2 }]
    vrrp: { virtualRouterId: 118, preempt: false, multicast: true, strict: true, accept: true }
    services:
      - protocol: tcp
        vip: 10.116.0.204
        port: 80
        scheduler: rr
        realServers: [{ host: rs1 }, { host: rs2 }]
`;
