/**
 * UI test of the keepalived.conf language as a person uses it: open a keepalived.conf that still says
 * `lb_algo`, see KAL005 in the Problems panel at its line,  open the quick fixes (Ctrl+.) and pick
 * "Change to 'lvs_sched'" with the keyboard, then see the editor say `lvs_sched wrr` and the problem go away.
 * Screenshots in .test-results/vscode/screenshots.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { useSession } from '../harness/session';

const WORKSPACE = path.join(workspaceFixturesDir, 'keepalived-broken');
const lines = fs.readFileSync(path.join(WORKSPACE, 'keepalived.conf'), 'utf8').split('\n');
/** 1-based line and column of `lb_algo` in the fixture. */
const BAD_LINE = lines.findIndex((l) => /^\s*lb_algo\s/.test(l)) + 1;
const BAD_COLUMN = (lines[BAD_LINE - 1] ?? '').indexOf('lb_algo') + 1;

describe('keepalived.conf language in the workbench (UI)', function () {
  this.timeout(90_000);
  const session = useSession(() => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
      throw new Error('dist/extension.js is missing: run npm run build first');
    }
    return { name: 'keepalived-conf', workspace: WORKSPACE, extensionPath: repoRoot };
  });

  it('lists lb_algo as KAL005 in the Problems panel, and the quick fix rewrites it to lvs_sched', async () => {
    const { wb } = session();
    assert.ok(BAD_LINE > 0);
    await wb.openFile('keepalived.conf');
    const isOldSpelling = (p: { file: string; line: number; code?: string; severity: string }) =>
      p.file === 'keepalived.conf' && p.line === BAD_LINE && p.code === 'KAL005' && p.severity === 'warning';
    const rows = await wb.waitForProblems((r) => r.some(isOldSpelling), `KAL005 at keepalived.conf line ${BAD_LINE}`, 30_000);
    assert.match(rows.find(isOldSpelling)?.message ?? '', /lb_algo is the old spelling of lvs_sched/);
    assert.deepEqual(rows.filter((p) => p.file === 'keepalived.conf' && p.severity === 'error'), []);
    await wb.screenshot('keepalived-problem-listed');

    // The light bulb's menu, as Ctrl+. opens it on the word.
    await wb.goToLine(BAD_LINE, BAD_COLUMN + 1);
    await wb.page.keyboard.press('Control+.');
    const action = wb.page.locator('.action-widget .monaco-list-row', { hasText: "Change to 'lvs_sched'" }).first();
    await action.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.screenshot('keepalived-quick-fix-menu');
    // The menu takes the keyboard (a pointer block covers the page): move to the fix and press Enter.
    for (let i = 0; i < 5 && !/\bfocused\b/.test((await action.getAttribute('class')) ?? ''); i++) await wb.page.keyboard.press('ArrowDown');
    assert.match((await action.getAttribute('class')) ?? '', /\bfocused\b/);
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);

    // The edit lands asynchronously after Enter: poll the editor's lines.
    let text = '';
    for (let t0 = Date.now(); Date.now() - t0 < 10_000; await wb.page.waitForTimeout(200)) {
      text = await wb.editorText();
      if (/^\s*lvs_sched wrr$/m.test(text)) break;
    }
    assert.match(text, /^\s*lvs_sched wrr$/m);
    assert.doesNotMatch(text, /^\s*lb_algo/m);
    await wb.waitForProblems((r) => !r.some((p) => p.file === 'keepalived.conf' && p.code === 'KAL005'), 'KAL005 to disappear', 30_000);
    await wb.screenshot('keepalived-problem-fixed');
  });

  it('gives keepalived/conf.d/web.conf the keepalived language by its path, and flags priority 300', async () => {
    const { wb } = session();
    await wb.openFile('keepalived/conf.d/web.conf');
    await wb.page.locator('.statusbar-item#status\\.editor\\.mode', { hasText: /^keepalived$/ }).waitFor({ timeout: 30_000 });
    const rows = await wb.waitForProblems((r) => r.some((p) => p.file === 'web.conf' && p.code === 'KAL008'), 'KAL008 in web.conf', 30_000);
    const problem = rows.find((p) => p.file === 'web.conf' && p.code === 'KAL008');
    assert.equal(problem?.line, 6);
    assert.equal(problem?.severity, 'error');
    assert.match(problem?.message ?? '', /priority must be an integer 1–255/);
  });
});
