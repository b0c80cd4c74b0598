/**
 * The DESKTOP path: runs the same extension-host suites (out/test/vscode/suites/<name>) in desktop VS Code
 * with @vscode/test-electron's runTests. It downloads VS Code from Microsoft's update server into
 * .vscode-test/ (or uses $LVS_VSCODE_EXECUTABLE), so it works on a developer's desktop with internet access,
 * not on the CI/dev machines of this project (no route there): those use code-server, `node out/test/vscode/run.js`.
 *
 *   node out/test/vscode/runElectron.js [--suite NAME]...
 *   env: LVS_VSCODE_VERSION (default 1.100.3, the VS Code of code-server 4.100.3), LVS_VSCODE_EXECUTABLE
 *
 * On Linux without a display, run it under xvfb-run. The UI tests (test/vscode/ui) are code-server-only.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { compiledVscodeTestsDir, ensureDir, helloExtensionDir, repoRoot, resultsDir, workspaceFixturesDir } from './harness/paths';
import type { SuiteConfig } from './harness/suiteConfig';
import type { SuiteResults } from './harness/suiteRunner';

async function main(): Promise<number> {
  const only: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--suite') only.push(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const root = path.join(compiledVscodeTestsDir, 'suites');
  const names = fs.readdirSync(root).filter((n) => fs.existsSync(path.join(root, n, 'index.js'))).sort();
  let passed = 0;
  let failed = 0;
  for (const name of only.length ? names.filter((n) => only.includes(n)) : names) {
    const dir = path.join(root, name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = (require(path.join(dir, 'index.js')) as { config: SuiteConfig }).config;
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `lvs-electron-${name}-`));
    const workspace = path.join(scratch, config.workspace);
    fs.cpSync(path.join(workspaceFixturesDir, config.workspace), workspace, { recursive: true });
    const resultsFile = path.join(ensureDir(path.join(resultsDir, 'electron')), `${name}.json`);
    fs.rmSync(resultsFile, { force: true });
    console.log(name);
    let code = 1;
    try {
      code = await runTests({
        version: process.env.LVS_VSCODE_VERSION ?? '1.100.3',
        ...(process.env.LVS_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.LVS_VSCODE_EXECUTABLE } : {}),
        extensionDevelopmentPath: config.extension === 'hello' ? helloExtensionDir : repoRoot,
        extensionTestsPath: path.join(dir, 'index.js'),
        extensionTestsEnv: { LVS_VSCODE_TEST_RESULTS: resultsFile, LVS_TEST_WORKSPACE: workspace },
        launchArgs: [
          workspace,
          '--disable-extensions', // other installed extensions; the one under development still loads
          '--disable-telemetry',
          '--skip-welcome',
          '--skip-release-notes',
          ...(config.trust === false ? [] : ['--disable-workspace-trust']),
          `--user-data-dir=${path.join(scratch, 'user-data')}`,
        ],
      });
    } catch (err) {
      console.log(`  ✗ ${name}: ${(err as Error).message}`);
    }
    if (fs.existsSync(resultsFile)) {
      const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
      for (const t of r.tests) {
        console.log(`  ${t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-'} ${t.fullTitle}`);
        if (t.error) console.log(`      ${t.error.message}`);
      }
      passed += r.passed;
      failed += r.failed;
      if (code !== 0 && r.failed === 0) failed++;
    } else {
      failed++;
      console.log(`  ✗ ${name}: no results (exit code ${code})`);
    }
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
