/** Generated inputs of the benchmarks (and of the cold-start child process, bench/coldRun.ts). */
import type { IpvsService, IpvsTable } from '../src/core/ipvs/types';

/** `services` × `perService` real servers; a fraction `changed` of the weights is 7 instead of 1. */
export function bigTable(services: number, perService: number, changed = 0): IpvsTable {
  const out: IpvsService[] = [];
  for (let s = 0; s < services; s++) {
    const svc: IpvsService = {
      key: { kind: 'addr', protocol: 'tcp', address: `10.${(s >> 8) & 255}.${s & 255}.1`, port: 443, family: 'inet' },
      scheduler: 'wrr', schedFlags: [], onePacket: false, realServers: [],
    };
    for (let r = 0; r < perService; r++) {
      const i = s * perService + r;
      svc.realServers.push({
        address: `172.16.${s & 255}.${r + 1}`, port: 8443, family: 'inet', method: 'nat',
        weight: changed > 0 && i % Math.round(1 / changed) === 0 ? 7 : 1, upperThreshold: 0, lowerThreshold: 0,
      });
    }
    out.push(svc);
  }
  return { services: out };
}

const col = (n: number): string => ` ${String(n).padStart(8)}`;

/** An `ipvsadm -Ln` listing (`--stats`/`--rate` `--exact`, or the default columns) of services × per real servers. */
export function listing(kind: 'stats' | 'rate' | 'list', services: number, per: number): string {
  const head = kind === 'list'
    ? ['Prot LocalAddress:Port Scheduler Flags', '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn']
    : [`Prot LocalAddress:Port               ${kind === 'stats' ? 'Conns   InPkts  OutPkts  InBytes OutBytes' : '  CPS    InPPS   OutPPS    InBPS   OutBPS'}`, '  -> RemoteAddress:Port'];
  const lines = ['IP Virtual Server version 1.2.1 (size=4096)', ...head];
  for (let s = 0; s < services; s++) {
    const vip = `10.${s >> 16}.${(s >> 8) & 255}.${s & 255}:80`;
    lines.push(kind === 'list' ? `TCP  ${vip} wrr` : `TCP  ${vip}`.padEnd(33) + [s * 7, s * 31, s * 29, s * 4100, 12345678901].map(col).join(''));
    for (let r = 0; r < per; r++) {
      const rs = `172.16.${s & 255}.${r + 1}:8080`;
      lines.push(kind === 'list' ? `  -> ${rs}`.padEnd(33) + `Masq    ${r + 1}      ${r}          ${r * 3}` : `  -> ${rs}`.padEnd(33) + [r, r * 5, r * 4, r * 700, r * 900].map(col).join(''));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The sectioned output of one stats reading (statsReading.ts) over such listings. */
export function sectioned(services: number, per: number): string {
  return (['stats', 'rate', 'list'] as const).map((k) => `@@lvs-stats begin ${k}\n${listing(k, services, per)}@@lvs-stats end ${k} 0\n`).join('');
}
