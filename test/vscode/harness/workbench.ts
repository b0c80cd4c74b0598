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

  /** Waits for a quick pick (optionally with a title matching `title`) and picks the row whose label is `label`. */
  async pickQuickItem(label: string | RegExp, title?: RegExp): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout: this.timeoutMs });
    if (title) await this.quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: this.timeoutMs });
    const re = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
    const row = this.quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: re }) })
      .first();
    try {
      await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    } catch {
      throw new Error(`the quick pick has no "${label}"; it shows ${JSON.stringify(await this.quickPickLabels())}`);
    }
    await row.click();
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

  /** Drags the sash at the side bar's right edge so that the side bar is `width` px wide (for readable screenshots). */
  async setSidebarWidth(width: number): Promise<void> {
    const box = await this.sidebar.boundingBox();
    if (!box) throw new Error('the side bar is not visible');
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
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
    // One round trip for all rows (a locator per row and field is slow, and waits on rows without a description).
    return scope.locator('.monaco-list-row').evaluateAll((els) => {
      const rows = [...els] as any[];
      rows.sort((a, b) => Number(a.dataset.index ?? 0) - Number(b.dataset.index ?? 0));
      return rows.map((r) => {
        const label = ((r.querySelector('.label-name')?.textContent ?? '') as string).trim();
        const description = ((r.querySelector('.label-description')?.textContent ?? '') as string).trim();
        const expanded = r.getAttribute('aria-expanded');
        return {
          label,
          description: description || undefined,
          level: Number(r.getAttribute('aria-level') ?? '1'),
          expanded: expanded === null ? undefined : expanded === 'true',
          ariaLabel: (r.getAttribute('aria-label') ?? '') as string,
        };
      });
    });
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

  /** The row of a side-bar tree whose label is exactly `label` (or matches it); `nth` among equal labels. */
  treeRow(label: string | RegExp, nth = 0): Locator {
    const re = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
    return this.sidebar
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: re }) })
      .nth(nth);
  }

  /** Opens the LVS view, expands every row, and polls until `pred` holds on the rows (throws with the rows seen). */
  async waitForClusterRows(pred: (rows: TreeRow[]) => boolean, what: string, timeoutMs = this.timeoutMs, pollMs = 300): Promise<TreeRow[]> {
    await this.openViewContainer('LVS');
    const t0 = Date.now();
    for (;;) {
      await this.expandAllTreeRows();
      const rows = await this.treeRows();
      if (pred(rows)) return rows;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for the Clusters tree: ${what}; rows: ${JSON.stringify(rows.map((r) => [r.label, r.description]))}`);
      await this.page.waitForTimeout(pollMs);
    }
  }

  /** Expands every collapsed row of the side bar's trees (clicking twisties, never the labels), up to `maxRounds`. */
  async expandAllTreeRows(maxRounds = 8): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      const collapsed = this.sidebar.locator('.monaco-list-row[aria-expanded="false"]');
      if ((await collapsed.count()) === 0) return;
      await collapsed.first().locator('.monaco-tl-twistie').click();
      await this.page.waitForTimeout(150);
    }
  }

  /** Expands one tree row (by its twistie) when it is collapsed. */
  async expandTreeRow(row: Locator): Promise<void> {
    await row.waitFor({ timeout: this.timeoutMs });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }

  /** Titles of the inline action buttons a tree row shows on hover. */
  async inlineActions(row: Locator): Promise<string[]> {
    await row.hover();
    const labels = await row.locator('.actions .action-label').evaluateAll((els) => els.map((e) => (e as any).getAttribute('aria-label') ?? (e as any).title ?? ''));
    return labels.map((l: string) => l.trim()).filter(Boolean);
  }

  /** Clicks a tree row's inline action button by its title (e.g. "Apply to Directors"). */
  async clickInlineAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    const btn = row.locator(`.actions .action-label[aria-label="${title.replace(/"/g, '\\"')}"]`).first();
    try {
      await btn.waitFor({ state: 'visible', timeout: this.timeoutMs });
    } catch {
      throw new Error(`no inline action "${title}" on the row; it shows ${JSON.stringify(await this.inlineActions(row))}`);
    }
    await btn.click();
  }

  /** The context menu (right click) of an element: its item labels, and the menu closed again. */
  async contextMenuItems(target: Locator): Promise<string[]> {
    await this.openContextMenu(target);
    const items = await this.contextMenuLabels();
    await this.page.keyboard.press('Escape');
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    return items;
  }

  async openContextMenu(target: Locator): Promise<void> {
    await target.waitFor({ timeout: this.timeoutMs });
    await target.click({ button: 'right' });
    await this.page.locator('.context-view .monaco-menu .action-item').first().waitFor({ timeout: this.timeoutMs });
  }

  /** Labels of the open context menu's items (separators left out). */
  async contextMenuLabels(): Promise<string[]> {
    const labels = await this.page.locator('.context-view .monaco-menu .action-item:not(.disabled) .action-label').allInnerTexts();
    return labels.map((l) => l.trim()).filter(Boolean);
  }

  /** Right-clicks the target and picks a context menu item by its label; `expect` checks the menu's labels first. */
  async runContextMenuItem(target: Locator, item: string, expect?: (labels: string[]) => void): Promise<void> {
    await this.openContextMenu(target);
    if (expect) {
      const labels = await this.contextMenuLabels();
      try {
        expect(labels);
      } catch (err) {
        await this.page.keyboard.press('Escape');
        throw err;
      }
    }
    const entry = this.page.locator('.context-view .monaco-menu .action-item .action-label', { hasText: item }).first();
    try {
      await entry.waitFor({ timeout: 5000 });
    } catch {
      const shown = await this.contextMenuLabels();
      await this.page.keyboard.press('Escape');
      throw new Error(`context menu has no "${item}"; it shows ${JSON.stringify(shown)}`);
    }
    // A click that lands while the menu is still settling (just opened, or re-laid out by a tree update) can be
    // dropped: the menu then stays open and nothing runs. A click that was taken closes the menu, so only a menu
    // still open is clicked again (never a second run of the item).
    const menu = this.page.locator('.context-view .monaco-menu');
    for (let attempt = 1; ; attempt++) {
      await entry.click();
      try {
        await menu.waitFor({ state: 'hidden', timeout: 2000 });
        return;
      } catch (err) {
        if (attempt >= 3) throw new Error(`the context menu item "${item}" was clicked ${attempt} times and the menu stayed open: ${(err as Error).message}`);
        console.log(`    (context menu: the click on "${item}" was not taken, the menu is still open; clicking again)`);
      }
    }
  }

  /** Titles of the action buttons in a view pane's title bar (e.g. the Clusters view's Refresh). */
  async viewTitleActions(): Promise<string[]> {
    await this.sidebar.hover();
    const labels = await this.sidebar
      .locator('.composite.title .actions-container .action-label, .pane-header .actions-container .action-label')
      .evaluateAll((els) => els.map((e) => (e as any).getAttribute('aria-label') ?? ''));
    return labels.map((l: string) => l.trim()).filter(Boolean);
  }

  /** The buttons of a view's welcome content (viewsWelcome), e.g. "Create Cluster File". */
  welcomeButton(text: string): Locator {
    return this.sidebar.locator('.welcome-view-content .monaco-button', { hasText: text }).first();
  }

  // ------------------------------------------------------------------ modal dialogs

  /** The modal dialog (custom dialog style, as the harness sets `window.dialogStyle`). */
  get dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Waits for a modal dialog and returns its message, detail and button labels. */
  async waitForDialog(timeoutMs = this.timeoutMs): Promise<{ message: string; detail: string; buttons: string[] }> {
    await this.dialog.waitFor({ state: 'visible', timeout: timeoutMs });
    const message = (await this.dialog.locator('.dialog-message-text').innerText().catch(() => '')).trim();
    const detail = (await this.dialog.locator('.dialog-message-detail').innerText().catch(() => '')).trim();
    const buttons = (await this.dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim());
    return { message, detail, buttons };
  }

  /** Clicks a modal dialog's button by its label and waits for the dialog to close. */
  async clickDialogButton(label: string | RegExp): Promise<void> {
    // A string names the whole label: "Apply" is not "Apply, Roll Back Unless Kept".
    const text = typeof label === 'string' ? new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : label;
    const btn = this.dialog.locator('.dialog-buttons .monaco-button', { hasText: text }).first();
    await btn.waitFor({ timeout: this.timeoutMs });
    await btn.click();
    await this.dialog.waitFor({ state: 'hidden', timeout: this.timeoutMs });
  }

  // ------------------------------------------------------------------ editor tabs and diff editors

  /** aria-labels of the open editor tabs (all groups). */
  async tabLabels(): Promise<string[]> {
    return (await this.page.locator('.tabs-container .tab').evaluateAll((els) => els.map((e) => (e as any).getAttribute('aria-label') ?? ''))) as string[];
  }

  /** The active editor tab's title text. */
  async activeTabTitle(): Promise<string> {
    return (await this.page.locator('.editor-group-container.active .tabs-container .tab.active .label-name').first().innerText()).trim();
  }

  /** The diff editor of the active group: the text of its left (original) and right (modified) sides. */
  async diffEditorSides(): Promise<{ original: string; modified: string }> {
    const diff = this.page.locator('.editor-group-container.active .monaco-diff-editor').first();
    await diff.waitFor({ timeout: this.timeoutMs });
    return this.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const root = doc.querySelector('.editor-group-container.active .monaco-diff-editor');
      const side = (cls: string) => {
        const view = root?.querySelector(`.editor.${cls} .view-lines`);
        if (!view) return '';
        const rows = [...view.querySelectorAll('.view-line')] as any[];
        rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
        return rows.map((r) => (r.textContent as string).replace(/\u00a0/g, ' ')).join('\n');
      };
      return { original: side('original'), modified: side('modified') };
    });
  }

  // ------------------------------------------------------------------ notifications

  /** Clicks a button of the notification toast whose message matches. */
  async clickNotificationButton(match: RegExp, button: string | RegExp): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item').filter({
      has: this.page.locator('.notification-list-item-message', { hasText: match }),
    }).first();
    await toast.waitFor({ timeout: this.timeoutMs });
    await toast.hover();
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: button }).first().click();
  }

  /** Buttons of the notification toast whose message matches. */
  async notificationButtons(match: RegExp): Promise<string[]> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item').filter({
      has: this.page.locator('.notification-list-item-message', { hasText: match }),
    }).first();
    await toast.waitFor({ timeout: this.timeoutMs });
    return (await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map((b) => b.trim());
  }

  /** Closes every notification toast on screen with its own "Clear Notification" button (no command palette). */
  async clearNotifications(): Promise<void> {
    const toasts = this.page.locator('.notifications-toasts .notification-list-item');
    for (let i = 0; i < 20 && (await toasts.count()) > 0; i++) {
      const toast = toasts.first();
      await toast.hover().catch(() => undefined);
      await toast.locator('.action-label.codicon-notifications-clear').first().click({ timeout: 5000 }).catch(() => undefined);
      await this.page.waitForTimeout(150);
    }
  }

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
