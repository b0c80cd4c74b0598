/** Collects the cluster file's diagnostics, turning source offsets into LSP ranges. */

import type { Diagnostic, Fix, LineIndex } from '../diagnostics';
import { CLUSTER_FILE_CODES, type ClusterFileCode } from './diagnosticCodes';
import type { Span } from './quickFixes';

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly text: string, readonly lines: LineIndex) {}

  report(code: ClusterFileCode, span: Span, message: string, fixes?: Fix[]): void {
    const diagnostic: Diagnostic = {
      range: this.lines.range(span[0], span[1]),
      severity: CLUSTER_FILE_CODES[code].severity,
      code,
      message,
    };
    if (fixes && fixes.length > 0) diagnostic.fixes = fixes;
    this.diagnostics.push(diagnostic);
  }
}
