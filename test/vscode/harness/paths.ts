/** Where things are: the repository, the fixtures, the results folder, code-server and Chromium. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (this file compiles to out/test/vscode/harness/paths.js). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** Fixtures stay in the source tree (they are not compiled): test/vscode/fixtures. */
export const fixturesDir = path.join(repoRoot, 'test', 'vscode', 'fixtures');
export const workspaceFixturesDir = path.join(fixturesDir, 'workspaces');
export const helloExtensionDir = path.join(fixturesDir, 'helloExtension');

/** Compiled suites and UI tests. */
export const compiledVscodeTestsDir = path.join(repoRoot, 'out', 'test', 'vscode');

/** Logs, JSON results and screenshots (gitignored): $LVS_TEST_RESULTS_DIR or .test-results/vscode. */
export const resultsDir = process.env.LVS_TEST_RESULTS_DIR
  ? path.resolve(process.env.LVS_TEST_RESULTS_DIR)
  : path.join(repoRoot, '.test-results', 'vscode');
export const screenshotsDir = path.join(resultsDir, 'screenshots');

export const CODE_SERVER_VERSION = '4.100.3';

/** code-server's entry point, installed by scripts/install-code-server.sh outside node_modules. */
export function codeServerEntry(): string {
  if (process.env.LVS_CODE_SERVER_ENTRY) return process.env.LVS_CODE_SERVER_ENTRY;
  const dir = process.env.LVS_CODE_SERVER_DIR ?? `/opt/vscode-lvs/code-server-${CODE_SERVER_VERSION}`;
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** Debian's Chromium (never a browser download). */
export function chromiumPath(): string {
  return process.env.LVS_CHROMIUM ?? '/usr/bin/chromium';
}

/** Throws one clear message listing what is missing to run VS Code tests on this machine. */
export function checkPrerequisites(opts: { needExtensionBuild?: boolean } = {}): void {
  const problems: string[] = [];
  if (!fs.existsSync(codeServerEntry())) {
    problems.push(`code-server ${CODE_SERVER_VERSION} is not installed (${codeServerEntry()}): run bash scripts/install-code-server.sh`);
  }
  if (!fs.existsSync(chromiumPath())) {
    problems.push(`Chromium not found at ${chromiumPath()}: apt-get install chromium (or run bash scripts/install-code-server.sh)`);
  }
  if (opts.needExtensionBuild && !fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    problems.push('dist/extension.js is missing: run npm run build first');
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

export function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A file-name-safe form of a test title. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'unnamed';
}
