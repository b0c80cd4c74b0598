/** A doctor finding as data: who, what, why it matters, how to fix it. */
export type FindingSeverity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: FindingSeverity;
  host: string;
  /** Stable id, e.g. `prep-sysctl`, `firewall-drop`, `rs-not-listening`, `arp-other-answers`. */
  code: string;
  title: string;
  why: string;
  fix: string;
}

export function formatFinding(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.host} [${f.code}] ${f.title}\n    why: ${f.why}\n    fix: ${f.fix}`;
}
