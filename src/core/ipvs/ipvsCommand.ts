/**
 * One ipvsadm command as the kernel receives it: the fully defaulted service or real-server settings
 * ipvsadm sends (ipvsadm fills every field a command line leaves out with its default), or a key.
 */

import type { AddressFamily, IpvsRealServer, IpvsService, ServiceKey } from './types';

/** What `-A`/`-E` send: every service setting, defaults filled in. */
export type IpvsServiceSettings = Omit<IpvsService, 'realServers'>;

export interface RealServerRef {
  address: string;
  port: number;
  family: AddressFamily;
}

export type IpvsCommand =
  | { kind: 'add-service'; service: IpvsServiceSettings }
  | { kind: 'edit-service'; service: IpvsServiceSettings }
  | { kind: 'delete-service'; key: ServiceKey }
  | { kind: 'flush' }
  | { kind: 'zero'; key?: ServiceKey }
  | { kind: 'add-server'; key: ServiceKey; server: IpvsRealServer }
  | { kind: 'edit-server'; key: ServiceKey; server: IpvsRealServer }
  | { kind: 'delete-server'; key: ServiceKey; server: RealServerRef }
  | { kind: 'set-timeout'; tcp: number; tcpFin: number; udp: number }
  | { kind: 'start-daemon'; state: 'master' | 'backup' }
  | { kind: 'stop-daemon'; state: 'master' | 'backup' };
