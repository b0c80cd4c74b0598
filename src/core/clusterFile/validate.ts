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
  /** YAML nodes the walk visited (for tests and benchmarks: linear in the file's size). */
  nodesVisited: number;
}

export function validateClusterFile(text: string): ClusterFileValidation {
  const lines = new LineIndex(text);
  const sink = new DiagnosticSink(text, lines);
  // Duplicate keys are reported by the walker with a quick fix; pretty errors would only add line positions.
  let model: ClusterFile = { version: 1, hosts: [], clusters: [] };
  let nodesVisited = 0;
  try {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, keepSourceTokens: false });
    const clamp = (n: number): number => Math.max(0, Math.min(n, text.length));
    for (const error of doc.errors) {
      sink.report('LVS001', [clamp(error.pos[0]), clamp(error.pos[1])], `YAML syntax error: ${readerLimit(error) ?? error.message}`);
    }
    for (const warning of doc.warnings) {
      sink.report('LVS002', [clamp(warning.pos[0]), clamp(warning.pos[1])], `YAML: ${warning.message}`);
    }
    const parsed = walkClusterFile(doc, sink);
    nodesVisited = parsed.nodesVisited;
    checkSemantics(parsed, sink);
    model = buildModel(parsed);
  } catch (err) {
    // The yaml library's own limits (its recursion on very deep nesting) and anything else: a diagnostic,
    // never an exception out of a validation that runs on every keystroke and on activation.
    const limit = readerLimit(err);
    sink.report('LVS001', [0, 0], limit ? `YAML: ${limit}` : `The file could not be read: ${(err as Error).message}`);
  }
  const diagnostics = sink.diagnostics.sort((a, b) =>
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { model, diagnostics, nodesVisited };
}

/** The yaml library's stack overflow on deep nesting, said as what it is. */
function readerLimit(err: unknown): string | undefined {
  return err instanceof Error && /call stack/i.test(err.message)
    ? 'the file nests values too deeply to be read (hundreds of levels); a cluster file needs fewer than ten'
    : undefined;
}
