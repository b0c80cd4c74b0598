import { validateClusterFile } from './clusterFile/validate';
import type { Diagnostic } from './diagnostics';
import type { FileKind } from './fileKinds';
import { parseRules } from './ipvs/rulesParser';

/** Diagnostics for a cluster file or an ipvsadm rules file: the one entry point the CLI and the editor share. */
export function validateText(kind: FileKind, text: string): Diagnostic[] {
  return kind === 'cluster' ? validateClusterFile(text).diagnostics : parseRules(text).diagnostics;
}
