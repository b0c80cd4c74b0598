/**
 * The header lvsctl writes at the top of every keepalived.conf it renders: which cluster file, cluster and
 * director it belongs to. A live file without it was written by hand (or by another tool), and apply never
 * replaces such a file silently.
 */

import { kaCommentText } from './keepalivedWords';

/** The marker line; what `managedHeader` looks for. */
const MARKER = /^# lvsctl-managed: cluster=(\S+) director=(\S+)$/m;

export interface ManagedHeader {
  cluster: string;
  director: string;
}

/** The header lines (comments) of a rendered keepalived.conf. */
export function headerLines(sourceLabel: string, cluster: string, director: string): string[] {
  return [
    `# keepalived.conf of director ${director}, cluster ${cluster}: rendered by lvsctl (vscode-lvs) from ${kaCommentText(sourceLabel)}.`,
    '# Do not edit: lvsctl apply replaces this file. Change the cluster file and apply instead.',
    `# lvsctl-managed: cluster=${cluster} director=${director}`,
  ];
}

/** The cluster and director named by a keepalived.conf's header, or undefined for a file lvsctl did not write. */
export function managedHeader(text: string): ManagedHeader | undefined {
  const m = MARKER.exec(text.slice(0, 2048));
  return m ? { cluster: m[1], director: m[2] } : undefined;
}
