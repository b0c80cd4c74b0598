/** Conversions between the core's LSP-shaped plain data and VS Code's classes. */

import * as vscode from 'vscode';
import type { Diagnostic, Position, Range, Severity } from '../core/diagnostics';
import type { CompletionEntry, CompletionKind, HoverResult } from '../core/language/languageTypes';

export function toPosition(p: Position): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromPosition(p: vscode.Position): Position {
  return { line: p.line, character: p.character };
}

export function fromRange(r: vscode.Range): Range {
  return { start: fromPosition(r.start), end: fromPosition(r.end) };
}

const SEVERITY: Readonly<Record<Severity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'lvs';

export function toDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
  out.code = d.code;
  out.source = DIAGNOSTIC_SOURCE;
  return out;
}

const COMPLETION_KIND: Readonly<Record<CompletionKind, vscode.CompletionItemKind>> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  enumMember: vscode.CompletionItemKind.EnumMember,
  reference: vscode.CompletionItemKind.Reference,
  keyword: vscode.CompletionItemKind.Keyword,
  snippet: vscode.CompletionItemKind.Snippet,
};

export function toCompletionItem(e: CompletionEntry): vscode.CompletionItem {
  const item = new vscode.CompletionItem(e.label, COMPLETION_KIND[e.kind]);
  if (e.detail !== undefined) item.detail = e.detail;
  if (e.documentation !== undefined) item.documentation = new vscode.MarkdownString(e.documentation);
  if (e.insertText !== undefined) {
    item.insertText = e.insertTextFormat === 'snippet' ? new vscode.SnippetString(e.insertText) : e.insertText;
  }
  if (e.range !== undefined) item.range = toRange(e.range);
  if (e.sortText !== undefined) item.sortText = e.sortText;
  if (e.filterText !== undefined) item.filterText = e.filterText;
  if (e.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest' };
  return item;
}

export function toHover(h: HoverResult): vscode.Hover {
  return new vscode.Hover(new vscode.MarkdownString(h.contents), toRange(h.range));
}

export function sameRange(a: Range, b: vscode.Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
