/**
 * What an import produces before it is text: a cluster file in the documented shape (only the keys the
 * import decided, defaults left out), with the comments that say where each value came from or what could
 * not be decided, and the warnings that list what the cluster file cannot hold. draftYaml turns it into
 * the file's text; nothing here is ever dropped silently: a fact without a key becomes a comment and a
 * warning.
 */
import type { DnsRecordType, HealthCheckType, SshSettings } from '../clusterFile/types';
import type { ForwardingMethod, Protocol, SchedFlag, Scheduler, TunnelChecksum, TunnelType } from '../ipvs/types';

/** Comment lines (without `#`) attached to an item: above it in the file. */
export interface Commented {
  comments: string[];
}

export interface DraftHost extends Commented {
  name: string;
  /** Canonical addresses, optionally in CIDR form (`10.116.0.10/24`). */
  addresses: string[];
  interface?: string;
  ssh: SshSettings;
}

export interface DraftDirector extends Commented {
  host: string;
  interface?: string;
  vipLabel?: string;
  /** VRRP priority (keepalived imports). */
  priority?: number;
}

/** A `healthCheck:` mapping as written (keepalived imports): every timing key explicit, defaults of the type left out. */
export interface DraftHealthCheck {
  type: HealthCheckType;
  port?: number;
  interval: number;
  timeout: number;
  retries: number;
  retryDelay: number;
  warmup?: number;
  inhibitOnFailure?: true;
  path?: string;
  statusCodes?: number[];
  digest?: string;
  virtualHost?: string;
  dnsName?: string;
  dnsType?: DnsRecordType;
  script?: string;
}

/** `vrrp:` of a keepalived import (keys at their default are left out). */
export interface DraftVrrp {
  virtualRouterId: number;
  advertInterval: number;
  preempt?: false;
  preemptDelay?: number;
  multicast?: true;
  strict?: true;
  accept?: true;
  syncConnections?: true;
}

export interface DraftRealServer extends Commented {
  host?: string;
  address?: string;
  /** Absent when it is the service's port (the default). */
  port?: number;
  method: ForwardingMethod;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  tunnel?: { type: TunnelType; port?: number; checksum?: TunnelChecksum };
  /** keepalived imports: this real server's own check (when the service has none in common). */
  healthCheck?: DraftHealthCheck;
}

export interface DraftService extends Commented {
  name: string;
  protocol?: Protocol;
  fwmark?: number;
  /** Written for fwmark services only (an address service's family is its VIP's). */
  family?: 'ipv4' | 'ipv6';
  vip?: string;
  port?: number;
  scheduler: Scheduler;
  schedulerFlags: SchedFlag[];
  persistence?: { timeout: number; netmask?: string };
  pe?: 'sip';
  onePacket: boolean;
  realServers: DraftRealServer[];
  /** keepalived imports: the check every real server shares. */
  healthCheck?: DraftHealthCheck;
  sorryServer?: { address: string; port: number };
  quorum?: number;
  hysteresis?: number;
}

export interface DraftCluster extends Commented {
  name: string;
  directors: DraftDirector[];
  /** Only the sysctls that must be written for the file to match the director (see draftSysctls). */
  sysctls: Record<string, number>;
  /** Comments placed above `sysctls`. */
  sysctlComments: string[];
  services: DraftService[];
  /** Set for keepalived imports (absent: the default engine, ipvsadm). */
  engine?: 'keepalived';
  vrrp?: DraftVrrp;
}

export interface ImportDraft {
  /** Comment lines at the top of the file. */
  header: string[];
  hosts: DraftHost[];
  clusters: DraftCluster[];
  /** Facts the cluster file cannot express (each also a comment in the file). */
  warnings: string[];
  /** What the import could not decide (each also a comment): worth a look, nothing is lost. */
  notes: string[];
}

export function emptyDraft(header: string[]): ImportDraft {
  return { header, hosts: [], clusters: [], warnings: [], notes: [] };
}
