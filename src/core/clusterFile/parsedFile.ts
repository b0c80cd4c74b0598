/**
 * What the walk of the YAML document hands to the semantic checks: the model items under construction with
 * the source spans (offsets) of the values the checks point at. Items whose identity is broken are not
 * here at all; semantic checks mark further ones `dropped` (unknown host, duplicate, …).
 */

import type { DirectorSpec, HostSpec, RealServerSpec, ServiceSpec, ClusterSpec } from './types';
import type { Span } from './quickFixes';
import type { ParsedBgp } from './readBgp';
import type { ParsedVrrp } from './readVrrp';

/** A key written in the file that only keepalived clusters use (reported on ipvsadm clusters). */
export interface KeepalivedKeyUse {
  key: string;
  span: Span;
}

export interface ParsedHost {
  spec: HostSpec;
  item: Span;
  name: Span;
  /** proxyJump value, to check bare host names against the file's hosts. */
  proxyJump?: { value: string; span: Span };
  dropped?: boolean;
}

export interface ParsedDirector {
  spec: DirectorSpec;
  item: Span;
  host: Span;
  vipLabel?: Span;
  /** Interface as written on the director (spec.interface gets the host's when absent). */
  ownInterface?: string;
  /** The `priority` value, when written. */
  priority?: Span;
  dropped?: boolean;
}

export interface ParsedRealServer {
  /** `address` is empty and `family` provisional until a host reference is resolved. */
  spec: RealServerSpec;
  item: Span;
  /** The `host` or `address` value. */
  target: Span;
  /** The real server's own `healthCheck` key, when it overrides the service's. */
  healthCheck?: Span;
  dropped?: boolean;
}

export interface ParsedService {
  spec: ServiceSpec;
  item: Span;
  /** The value that identifies the service (vip, else fwmark). */
  identity: Span;
  vip?: Span;
  /** The `scheduler` value, when written. */
  scheduler?: Span;
  realServers: ParsedRealServer[];
  /** keepalived-only keys of the service and its real servers. */
  keepalivedKeys: KeepalivedKeyUse[];
  dropped?: boolean;
}

export interface ParsedCluster {
  spec: ClusterSpec;
  item: Span;
  name: Span;
  directors: ParsedDirector[];
  services: ParsedService[];
  vrrp?: ParsedVrrp;
  bgp?: ParsedBgp;
  /** The `mode` value, when it is `active-active`. */
  mode?: Span;
  dropped?: boolean;
}

export interface ParsedFile {
  hosts: ParsedHost[];
  clusters: ParsedCluster[];
  /** YAML nodes the walk visited (aliases counted per use): linear in the file's size by construction. */
  nodesVisited: number;
}
