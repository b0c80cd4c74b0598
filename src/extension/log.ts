/**
 * The "LVS" log: one LogOutputChannel for every remote command, apply phase and result. Every line passes the
 * Redactor first (secrets the prompts returned are registered with it).
 */
import * as vscode from 'vscode';
import { Redactor } from '../core/redact';

export class LvsLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  readonly redactor = new Redactor();

  constructor() {
    this.channel = vscode.window.createOutputChannel('LVS', { log: true });
  }

  info(line: string): void { this.channel.info(this.redactor.redact(line)); }
  warn(line: string): void { this.channel.warn(this.redactor.redact(line)); }
  error(line: string): void { this.channel.error(this.redactor.redact(line)); }
  debug(line: string): void { this.channel.debug(this.redactor.redact(line)); }
  /** Several lines (a plan, a report) as one entry per line. */
  block(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    for (const line of text.replace(/\n$/, '').split('\n')) this[level](line);
  }

  show(): void { this.channel.show(true); }

  dispose(): void { this.channel.dispose(); }
}
