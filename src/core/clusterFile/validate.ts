/**
 * Validates a cluster file (format v1): one YAML parse, one walk of the document building the model and
 * checking each value, then linear cross-item checks. Returns the best-effort model (invalid items left
 * out) and every diagnostic, sorted by position.
 */

import { parseDocument } from 'yaml';
import { LineIndex, type Diagnostic } from '../diagnostics';
import { buildModel } from './buildModel';
import { DiagnosticSink } from './diagnosticSink';
import { checkSemantics } from './semanticChecks';
import type { ClusterFile } from './types';
import { walkClusterFile } from './walkClusterFile';

export interface ClusterFileValidation {
  model: ClusterFile;
  diagnostics: Diagnostic[];
}

export function validateClusterFile(text: string): ClusterFileValidation {
  const lines = new LineIndex(text);
  const sink = new DiagnosticSink(text, lines);
  // Duplicate keys are reported by the walker with a quick fix; pretty errors would only add line positions.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
  const clamp = (n: number): number => Math.max(0, Math.min(n, text.length));
  for (const error of doc.errors) {
    sink.report('LVS001', [clamp(error.pos[0]), clamp(error.pos[1])], `YAML syntax error: ${error.message}`);
  }
  for (const warning of doc.warnings) {
    sink.report('LVS002', [clamp(warning.pos[0]), clamp(warning.pos[1])], `YAML: ${warning.message}`);
  }
  const parsed = walkClusterFile(doc, sink);
  checkSemantics(parsed, sink);
  const model = buildModel(parsed);
  const diagnostics = sink.diagnostics.sort((a, b) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { model, diagnostics };
}
