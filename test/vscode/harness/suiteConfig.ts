/** How the runner sets up an extension-host suite; each suite's index.ts exports `config`. */
export interface SuiteConfig {
  /** Folder name under test/vscode/fixtures/workspaces. */
  workspace: string;
  /** 'repo': our extension (repository root, needs dist/extension.js); 'hello': the harness fixture extension. */
  extension: 'repo' | 'hello';
  /** Default true. */
  trust?: boolean;
  /** Whole-suite timeout in ms (default 5 min). */
  timeoutMs?: number;
}
