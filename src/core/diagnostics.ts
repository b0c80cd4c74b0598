/**
 * LSP-shaped diagnostics shared by every validator in the core (cluster file, ipvsadm rules).
 * Positions are 0-based line/character, as in the Language Server Protocol and VS Code.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 code unit offset in the line. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: a title for the light bulb and the edits that make it. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix a user most likely wants (VS Code's `isPreferred`). */
  preferred?: boolean;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable code, e.g. `LVS012` or `IPVSADM003`; documented in README. */
  code: string;
  message: string;
  fixes?: Fix[];
}

/** Maps offsets in a text to 0-based line/character positions (binary search over line starts). */
export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 0), this.starts.length - 1)];
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  offset(pos: Position): number {
    return this.lineStart(pos.line) + pos.character;
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:col: severity code: message` with 1-based line and column, as compilers print. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`;
}
