/**
 * The validator the editor uses: the core's validateText, with keepalived.conf includes followed on the
 * local disk (the core resolves the patterns; this only lends it `node:fs`). Reads are synchronous: they
 * run after the validation debounce, and keepalived's include folders hold a handful of small files.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Diagnostic } from '../core/diagnostics';
import type { FileKind } from '../core/fileKinds';
import { createIncludeResolver } from '../core/keepalivedConf/includeResolver';
import type { IncludeFileSystem } from '../core/keepalivedConf/includeResolver';
import { validateText } from '../core/validateText';

/** Files larger than this are not read for an include (a keepalived.conf is a few kilobytes). */
const MAX_INCLUDED_BYTES = 4 * 1024 * 1024;

/** The local disk, for include patterns (also lent to the keepalived.conf import). */
export const LOCAL_FILES: IncludeFileSystem = {
  readDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  readFile(path) {
    try {
      return statSync(path).size > MAX_INCLUDED_BYTES ? undefined : readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export function validateDocumentText(kind: FileKind, text: string, file?: string): Diagnostic[] {
  if (kind === 'keepalived' && file?.startsWith('/')) {
    return validateText(kind, text, { resolveInclude: createIncludeResolver(LOCAL_FILES, file) });
  }
  return validateText(kind, text);
}
