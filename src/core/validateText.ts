import { validateClusterFile } from './clusterFile/validate';
import type { Diagnostic } from './diagnostics';
import type { FileKind } from './fileKinds';
import { parseRules } from './ipvs/rulesParser';
import type { IncludeResolver } from './keepalivedConf/confParser';
import { validateKeepalivedConf } from './keepalivedConf/confValidator';

export interface ValidateOptions {
  /** keepalived.conf: reads the files an `include` names (without it, includes are not followed). */
  resolveInclude?: IncludeResolver;
}

/** Diagnostics for a cluster file, an ipvsadm rules file or a keepalived.conf: the one entry point the CLI and the editor share. */
export function validateText(kind: FileKind, text: string, options: ValidateOptions = {}): Diagnostic[] {
  if (kind === 'keepalived') return validateKeepalivedConf(text, options).diagnostics;
  return kind === 'cluster' ? validateClusterFile(text).diagnostics : parseRules(text).diagnostics;
}
