/**
 * UI test of our extension (dist/extension.js) as a person uses it: open a workspace whose lvs.yaml sets
 * an unknown scheduler, open the file, see the error in the Problems panel at the right line, type the fix
 * in the editor and see the problem go away. Screenshots in .test-results/vscode/screenshots.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { repoRoot, workspaceFixturesDir } from '../harness/paths';
import { useSession } from '../harness/session';

const WORKSPACE = path.join(workspaceFixturesDir, 'lvs-broken');
/** 1-based line and column of the bad value `wrrr` in the fixture. */
const lines = fs.readFileSync(path.join(WORKSPACE, 'lvs.yaml'), 'utf8').split('\n');
const BAD_LINE = lines.findIndex((l) => /^\s*scheduler:\s*wrrr\s*$/.test(l)) + 1;
const BAD_COLUMN = (lines[BAD_LINE - 1] ?? '').indexOf('wrrr') + 1;

describe('LVS extension in the workbench (UI)', function () {
  this.timeout(90_000);
  const session = useSession(() => {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
      throw new Error('dist/extension.js is missing: run npm run build first');
    }
    return { name: 'lvs-problems', workspace: WORKSPACE, extensionPath: repoRoot };
  });

  it('lists the unknown scheduler in the Problems panel at its line, then clears it when the user types a fix', async () => {
    const { wb } = session();
    assert.ok(BAD_LINE > 0);
    await wb.openFile('lvs.yaml');
    const isSchedulerProblem = (p: { file: string; line: number; code?: string; severity: string }) =>
      p.file === 'lvs.yaml' && p.line === BAD_LINE && /^LVS\d{3}$/.test(p.code ?? '') && p.severity === 'error';
    const rows = await wb.waitForProblems((r) => r.some(isSchedulerProblem), `an LVSnnn error at lvs.yaml line ${BAD_LINE}`, 30_000);
    const problem = rows.find(isSchedulerProblem);
    assert.match(problem?.message ?? '', /wrrr|scheduler/i);
    await wb.screenshot('lvs-problem-listed');

    // Select "wrrr" and type "rr" over it, as a person would.
    await wb.goToLine(BAD_LINE, BAD_COLUMN);
    await wb.page.keyboard.press('Shift+End');
    await wb.type('rr');
    await wb.page.keyboard.press('Escape'); // close the completion list the typing opened
    assert.match(await wb.editorText(), /scheduler: rr\b/);
    await wb.waitForProblems((r) => !r.some((p) => p.file === 'lvs.yaml' && p.line === BAD_LINE), 'the scheduler problem to disappear', 30_000);
    await wb.screenshot('lvs-problem-fixed');
  });
});
