import { validateClusterFile } from './clusterFile/validate';
import type { Diagnostic } from './diagnostics';
import type { FileKind } from './fileKinds';
import { parseRules } from './ipvs/rulesParser';
import { validateKeepalivedConf } from './keepalivedConf/confValidator';

/** Diagnostics for a cluster file, an ipvsadm rules file or a keepalived.conf: the one entry point the CLI and the editor share. */
export function validateText(kind: FileKind, text: string): Diagnostic[] {
  if (kind === 'keepalived') return validateKeepalivedConf(text).diagnostics;
  return kind === 'cluster' ? validateClusterFile(text).diagnostics : parseRules(text).diagnostics;
}
