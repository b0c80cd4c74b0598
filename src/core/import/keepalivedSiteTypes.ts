/**
 * What a keepalived.conf makes keepalived do, in the cluster file's terms (read by keepalivedSite.ts): VRRP
 * instances and virtual servers with their real servers and effective health checks, each with the file and
 * line it came from, plus a warning for every statement the import leaves out.
 */
import type { HealthCheckSpec } from '../clusterFile/types';
import type { AddressFamily, ForwardingMethod, Protocol, SchedFlag, Scheduler, TunnelChecksum, TunnelType } from '../ipvs/types';

/** Where a statement is: its file and 1-based line. */
export interface SiteLocation {
  file: string;
  line: number;
}

export interface SiteWarning extends SiteLocation {
  text: string;
}

export interface SiteVip {
  address: string;
  family: AddressFamily;
  prefix?: number;
  dev?: string;
  label?: string;
  at: SiteLocation;
}

export interface SiteInstance {
  name: string;
  at: SiteLocation;
  state?: string;
  interface?: string;
  virtualRouterId?: number;
  priority: number;
  advertInterval: number;
  preempt: boolean;
  preemptDelay?: number;
  accept: boolean;
  version: number;
  unicastSrc?: string;
  peers: string[];
  vips: SiteVip[];
  excluded: SiteVip[];
}

export interface SiteRealServer {
  address: string;
  family: AddressFamily;
  port: number;
  weight: number;
  method: ForwardingMethod;
  tunnel?: { type: TunnelType; port?: number; checksum?: TunnelChecksum };
  upperThreshold: number;
  lowerThreshold: number;
  healthCheck?: HealthCheckSpec;
  at: SiteLocation;
}

export type SiteServiceKey = { kind: 'addr'; address: string; port: number; protocol: Protocol } | { kind: 'fwmark'; fwmark: number };

export interface SiteService {
  key: SiteServiceKey;
  family: AddressFamily;
  scheduler: Scheduler;
  schedulerFlags: SchedFlag[];
  onePacket: boolean;
  persistence?: { timeout: number; netmask?: string };
  pe?: 'sip';
  quorum: number;
  hysteresis: number;
  sorryServer?: { address: string; port: number };
  realServers: SiteRealServer[];
  at: SiteLocation;
}

export interface KeepalivedSite {
  /** The main file's path, as the caller names it. */
  file: string;
  routerId?: string;
  strict: boolean;
  /** `lvs_sync_daemon IF INSTANCE` of global_defs (or an instance's old lvs_sync_daemon_interface). */
  syncDaemon?: { interface: string; instance: string };
  instances: SiteInstance[];
  services: SiteService[];
  warnings: SiteWarning[];
}

/** keepalived's defaults (keepalived/check/check_data.c, check_api.c of 2.2.x). */
export const KEEPALIVED_DEFAULTS = {
  delayLoop: 60, connectTimeout: 5, retry: 1, miscRetry: 0, delayBeforeRetry: 1, scheduler: 'wlc', method: 'nat', weight: 1,
  priority: 100, advertInterval: 1, vrrpVersion: 2, statusCodes: { min: 200, max: 299 },
} as const;

export function formatSiteWarning(w: SiteWarning): string {
  return `${w.file}:${w.line}: ${w.text}`;
}
