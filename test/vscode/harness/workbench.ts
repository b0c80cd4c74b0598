/**
 * Page object for the VS Code workbench in code-server. Selectors are VS Code 1.100's DOM; every method
 * waits for what it needs and fails with a message naming what it was looking for.
 *
 * Note: tsconfig has no DOM lib, so browser-side code reaches the DOM through `globalThis as any`.
 */
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ensureDir, screenshotsDir, slug } from './paths';

export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'unknown';

export interface ProblemRow {
  /** File name as shown in the Problems panel (the resource row above the marker). */
  file: string;
  severity: Severity;
  message: string;
  source?: string;
  code?: string;
  /** 1-based, as displayed: [Ln L, Col C]. */
  line: number;
  column: number;
}

export interface TreeRow {
  label: string;
  description?: string;
  /** aria-level: 1 for top-level rows. */
  level: number;
  expanded?: boolean;
  ariaLabel: string;
}

export interface NotificationRow {
  severity: Severity;
  message: string;
  source?: string;
}

export interface ActivityBarItem {
  label: string;
  active: boolean;
}

const DEFAULT_TIMEOUT = 20_000;

export class Workbench {
  constructor(
    readonly page: Page,
    readonly timeoutMs = DEFAULT_TIMEOUT,
  ) {}

  // ------------------------------------------------------------------ commands and quick input

  /** The quick input widget (command palette, quick open). */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Runs a command by its palette title (e.g. "LVS: Validate All Cluster Files") through F1. */
  async runCommand(title: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(`>${title}`);
    const row = this.quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: title }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    } catch {
      const shown = await this.quickPickLabels();
      await this.closeQuickInput();
      throw new Error(`command "${title}" not found in the command palette; it shows: ${JSON.stringify(shown)}`);
    }
    // Prefer the row whose label is exactly the title.
    const labels = await this.quickPickLabels();
    const exact = labels.findIndex((l) => l === title);
    if (exact >= 0) {
      await this.quickInput.locator('.quick-input-list .monaco-list-row').nth(exact).click();
    } else {
      await row.click();
    }
    await this.quickInput.waitFor({ state: 'hidden', timeout: this.timeoutMs }).catch(() => undefined);
  }

  /** Labels of the rows the quick input shows now (what is rendered of its virtual list). */
  async quickPickLabels(): Promise<string[]> {
    return this.quickInput.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    }
  }

  // ------------------------------------------------------------------ editors

  /** Opens a workspace file by relative path through quick open (Ctrl+P) and waits for its editor. */
  async openFile(relPath: string): Promise<void> {
    await this.closeQuickInput();
    const base = path.posix.basename(relPath.replace(/\\/g, '/'));
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(relPath);
    const row = this.quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: base }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    } catch {
      const shown = await this.quickPickLabels();
      await this.closeQuickInput();
      throw new Error(`quick open found no "${relPath}"; it shows: ${JSON.stringify(shown)}`);
    }
    await row.click();
    await this.activeTab(base).waitFor({ timeout: this.timeoutMs });
    await this.editor.waitFor({ timeout: this.timeoutMs });
  }

  /** The active editor tab with this file name. */
  activeTab(name: string): Locator {
    return this.page.locator(`.tabs-container .tab.active[aria-label^="${name.replace(/"/g, '\\"')}"]`);
  }

  /** The text editor of the active editor group. */
  get editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The visible lines of the active editor (small files only: the editor virtualizes long ones). */
  async editorText(): Promise<string> {
    const lines = await this.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const view = doc.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      if (!view) return [] as string[];
      const rows = [...view.querySelectorAll('.view-line')] as any[];
      rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return rows.map((r) => (r.textContent as string).replace(/\u00a0/g, ' '));
    });
    return lines.join('\n');
  }

  /** Moves the cursor to a 1-based line (and column) with Ctrl+G ("Go to Line/Column"). */
  async goToLine(line: number, column?: number): Promise<void> {
    await this.closeQuickInput();
    await this.editor.waitFor({ timeout: this.timeoutMs });
    await this.page.keyboard.press('Control+G');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(`:${line}${column ? `:${column}` : ''}`);
    // The picker confirms what Enter will do ("Go to line 3 and character 14.") before we press it.
    await this.quickInput
      .locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`line ${line}\\b`, 'i') })
      .first()
      .waitFor({ timeout: this.timeoutMs });
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: this.timeoutMs });
    const want = `Ln ${line}, Col ${column ?? 1}`;
    await this.page
      .locator('.statusbar-item', { hasText: want })
      .first()
      .waitFor({ timeout: this.timeoutMs })
      .catch(() => {
        throw new Error(`cursor did not move to ${want}`);
      });
  }

  /** Selects the whole of a 1-based line's text (Home, then Shift+End). */
  async selectLine(line: number): Promise<void> {
    await this.goToLine(line);
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Shift+Home');
    // Shift+Home stops at the first non-blank; a second press would go to column 1: keep indentation.
  }

  /** Types text at the cursor as a person would, key by key. */
  async type(text: string, delayMs = 20): Promise<void> {
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
  }

  // ------------------------------------------------------------------ Problems panel

  /** Shows the Problems panel (only when hidden: its toggles would hide it). */
  async showProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (await panel.isVisible()) return;
    // The status bar's problems item toggles the panel; Ctrl+Shift+M does too but needs keyboard focus in the page.
    await this.page.locator('.statusbar-item#status\\.problems').first().click();
    try {
      await panel.waitFor({ state: 'visible', timeout: 5000 });
    } catch {
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ state: 'visible', timeout: this.timeoutMs });
    }
  }

  /** The rows of the Problems panel (tree mode), each marker with the file of its resource row. */
  async problems(): Promise<ProblemRow[]> {
    await this.showProblems();
    return this.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const rows = [...doc.querySelectorAll('.markers-panel .monaco-list-row')] as any[];
      rows.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      const out: any[] = [];
      let file = '';
      for (const r of rows) {
        if (r.getAttribute('aria-level') === '1') {
          file = r.querySelector('.label-name')?.textContent ?? '';
          continue;
        }
        const icon = r.querySelector('.marker-icon');
        if (!icon) continue;
        const cls = icon.className as string;
        const severity = /\berror\b/.test(cls)
          ? 'error'
          : /\bwarning\b/.test(cls)
            ? 'warning'
            : /\binfo\b/.test(cls)
              ? 'info'
              : 'unknown';
        const lc = /Ln (\d+), Col (\d+)/.exec(r.querySelector('.marker-line')?.textContent ?? '');
        out.push({
          file,
          severity,
          message: r.querySelector('.marker-message')?.textContent ?? '',
          source: r.querySelector('.marker-source')?.textContent || undefined,
          code: r.querySelector('.marker-code')?.textContent || undefined,
          line: lc ? Number(lc[1]) : 0,
          column: lc ? Number(lc[2]) : 0,
        });
      }
      return out;
    });
  }

  /** Polls problems() until the predicate holds; returns the last rows. */
  async waitForProblems(pred: (rows: ProblemRow[]) => boolean, what: string, timeoutMs = this.timeoutMs): Promise<ProblemRow[]> {
    const t0 = Date.now();
    let rows: ProblemRow[] = [];
    for (;;) {
      rows = await this.problems();
      if (pred(rows)) return rows;
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for Problems: ${what}; rows: ${JSON.stringify(rows)}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  /** Error and warning counts of the status bar's problems item. */
  async statusBarProblemCounts(): Promise<{ errors: number; warnings: number }> {
    const text = await this.page.locator('.statusbar-item#status\\.problems').innerText();
    const nums = (text.match(/\d+/g) ?? []).map(Number);
    return { errors: nums[0] ?? 0, warnings: nums[1] ?? 0 };
  }

  // ------------------------------------------------------------------ activity bar, side bar, trees

  /** Waits for an activity bar item (e.g. a view container an extension contributes, once it has loaded). */
  async waitForActivityBarItem(label: string, timeoutMs = 60_000): Promise<void> {
    await this.page
      .locator(`.part.activitybar .composite-bar .action-item a.action-label[aria-label^="${label}"]`)
      .first()
      .waitFor({ timeout: timeoutMs });
  }

  /** Waits until the command palette knows a command (i.e. the extension contributing it has loaded). */
  async waitForCommand(title: string, timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      const input = this.quickInput.locator('input.input');
      await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
      await input.fill(`>${title}`);
      const found = await this.quickInput
        .locator('.quick-input-list .monaco-list-row .label-name', { hasText: title })
        .first()
        .waitFor({ timeout: 2000 })
        .then(() => true, () => false);
      await this.closeQuickInput();
      if (found) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`command "${title}" never appeared in the command palette`);
    }
  }

  async activityBar(): Promise<ActivityBarItem[]> {
    const items = this.page.locator('.part.activitybar .composite-bar .action-item');
    const n = await items.count();
    const out: ActivityBarItem[] = [];
    for (let i = 0; i < n; i++) {
      const item = items.nth(i);
      const label = (await item.locator('a.action-label').getAttribute('aria-label')) ?? '';
      out.push({ label: label.replace(/\s*\(.*\)$/, ''), active: (await item.getAttribute('aria-selected')) === 'true' });
    }
    return out;
  }

  /** Clicks the activity bar item whose label starts with `label` (e.g. "Explorer", "LVS") and waits for its view. */
  async openViewContainer(label: string): Promise<void> {
    const item = this.page.locator(`.part.activitybar .composite-bar .action-item a.action-label[aria-label^="${label}"]`).first();
    await item.waitFor({ timeout: this.timeoutMs });
    const li = item.locator('xpath=..');
    if ((await li.getAttribute('aria-selected')) !== 'true') await item.click();
    await this.page
      .locator('.part.sidebar .composite.title h2', { hasText: new RegExp(label, 'i') })
      .waitFor({ timeout: this.timeoutMs });
  }

  /** The side bar's title (e.g. "EXPLORER"). */
  async sidebarTitle(): Promise<string> {
    return (await this.page.locator('.part.sidebar .composite.title h2').first().innerText()).trim();
  }

  /** The sidebar element. */
  get sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** Rows of the trees in the side bar (optionally only the view whose pane header is `viewTitle`). */
  async treeRows(viewTitle?: string): Promise<TreeRow[]> {
    let scope: Locator = this.sidebar;
    if (viewTitle) {
      scope = this.sidebar
        .locator('.pane')
        .filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(viewTitle, 'i') }) })
        .first();
      await scope.waitFor({ timeout: this.timeoutMs });
    }
    const rows = scope.locator('.monaco-list-row');
    const n = await rows.count();
    const out: TreeRow[] = [];
    for (let i = 0; i < n; i++) {
      const r = rows.nth(i);
      const label = (await r.locator('.label-name').first().innerText().catch(() => '')).trim();
      const description = (await r.locator('.label-description').first().innerText().catch(() => '')).trim();
      const expanded = await r.getAttribute('aria-expanded');
      out.push({
        label,
        description: description || undefined,
        level: Number((await r.getAttribute('aria-level')) ?? '1'),
        expanded: expanded === null ? undefined : expanded === 'true',
        ariaLabel: (await r.getAttribute('aria-label')) ?? '',
      });
    }
    return out;
  }

  /** Polls treeRows() until the predicate holds. */
  async waitForTreeRows(pred: (rows: TreeRow[]) => boolean, viewTitle?: string, timeoutMs = this.timeoutMs): Promise<TreeRow[]> {
    const t0 = Date.now();
    for (;;) {
      const rows = await this.treeRows(viewTitle);
      if (pred(rows)) return rows;
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`timed out waiting for tree rows${viewTitle ? ` of ${viewTitle}` : ''}; rows: ${JSON.stringify(rows)}`);
      }
      await this.page.waitForTimeout(250);
    }
  }

  // ------------------------------------------------------------------ notifications

  /** Notification toasts now on screen. */
  async notifications(): Promise<NotificationRow[]> {
    return this.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const toasts = [...doc.querySelectorAll('.notifications-toasts .notification-list-item')] as any[];
      return toasts.map((t) => {
        const icon = (t.querySelector('.notification-list-item-icon')?.className ?? '') as string;
        const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : /codicon-info/.test(icon) ? 'info' : 'unknown';
        return {
          severity,
          message: (t.querySelector('.notification-list-item-message')?.textContent ?? '') as string,
          source: (t.querySelector('.notification-list-item-source')?.textContent || undefined) as string | undefined,
        };
      });
    });
  }

  async waitForNotification(match: RegExp, timeoutMs = this.timeoutMs): Promise<NotificationRow> {
    const t0 = Date.now();
    for (;;) {
      const rows = await this.notifications();
      const hit = rows.find((r) => match.test(r.message));
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no notification matching ${match}; shown: ${JSON.stringify(rows)}`);
      await this.page.waitForTimeout(200);
    }
  }

  // ------------------------------------------------------------------ webviews

  /**
   * The content frame of a webview. VS Code nests two iframes: `iframe.webview` (host) and `#active-frame`
   * (the extension's HTML). With several webviews, `index` picks one in DOM order.
   */
  webview(index = 0): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').nth(index).frameLocator('iframe#active-frame');
  }

  // ------------------------------------------------------------------ screenshots

  /** Saves a full-window PNG into .test-results/vscode/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(ensureDir(screenshotsDir), `${slug(name)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
