/**
 * The SSH layer's questions asked through VS Code: an unknown host key in a modal (type and SHA256
 * fingerprint), passphrases and passwords in an input box with a "Remember" toggle. Only a remembered answer is
 * kept, in SecretStorage; a remembered answer that is asked for again in the same run was wrong and is
 * forgotten. Every answer is registered with the log's redactor.
 */
import * as vscode from 'vscode';
import type { Redactor } from '../../core/redact';
import type { SshPrompts } from '../../core/ssh/types';

const SECRET_PREFIX = 'lvs.ssh.';
const INDEX_KEY = 'lvs.ssh.rememberedKeys';

export class VscodeSshPrompts {
  /** Secret keys handed out from SecretStorage in this session (asked again → it was wrong). */
  private readonly used = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly redactor: Redactor,
  ) {}

  prompts(): SshPrompts {
    return {
      confirmHostKey: async (q) => {
        const accept = 'Trust and Connect';
        const pick = await vscode.window.showWarningMessage(
          `The authenticity of host ${q.name !== undefined ? `${q.name} (${q.host}, port ${q.port})` : `${q.host} (port ${q.port})`} can't be established.`,
          {
            modal: true,
            detail: `${q.keyType} key fingerprint is ${q.fingerprint}.\n\nCompare it with the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before trusting it. It will be remembered in the LVS trust store, not in ~/.ssh/known_hosts.`,
          },
          accept,
        );
        return pick === accept;
      },
      passphrase: (q) => this.secret(`passphrase:${q.keyPath}`, `SSH key passphrase (${q.host})`, `Passphrase for ${q.keyPath}`),
      password: (q) => this.secret(`password:${q.user}@${q.host}`, `SSH password (${q.user}@${q.host})`, q.prompt.trim() || `Password for ${q.user}@${q.host}`),
      sudoPassword: (q) => this.secret(`sudo:${q.user}@${q.host}`, `sudo password (${q.host})`, `sudo on ${q.host} asks for the password of ${q.user}`),
    };
  }

  private async secret(id: string, title: string, prompt: string): Promise<string | undefined> {
    const key = SECRET_PREFIX + id;
    if (!this.used.has(key)) {
      const stored = await this.secrets.get(key);
      if (stored !== undefined) {
        this.used.add(key);
        this.redactor.add(stored);
        return stored;
      }
    } else {
      // Asked again after the remembered answer: it was wrong.
      await this.forget(key);
    }
    const answer = await askSecret(title, prompt);
    if (!answer) return undefined;
    this.redactor.add(answer.value);
    if (answer.remember) {
      await this.secrets.store(key, answer.value);
      const keys = new Set(this.state.get<string[]>(INDEX_KEY, []));
      keys.add(key);
      await this.state.update(INDEX_KEY, [...keys]);
      this.used.add(key);
    }
    return answer.value;
  }

  private async forget(key: string): Promise<void> {
    await this.secrets.delete(key);
    await this.state.update(INDEX_KEY, this.state.get<string[]>(INDEX_KEY, []).filter((k) => k !== key));
    this.used.delete(key);
  }

  /** Deletes every remembered secret; returns how many there were. */
  async forgetAll(): Promise<number> {
    const keys = this.state.get<string[]>(INDEX_KEY, []);
    for (const k of keys) await this.secrets.delete(k);
    await this.state.update(INDEX_KEY, []);
    this.used.clear();
    return keys.length;
  }
}

/** A password input box with a "Remember in VS Code's secret storage" toggle button. */
function askSecret(title: string, prompt: string): Promise<{ value: string; remember: boolean } | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    let remember = false;
    const button = (): vscode.QuickInputButton => ({
      iconPath: new vscode.ThemeIcon(remember ? 'pass-filled' : 'key'),
      tooltip: remember ? 'Will be remembered in VS Code\'s secret storage (click to not remember)' : 'Remember in VS Code\'s secret storage',
    });
    box.title = title;
    box.prompt = `${prompt} — not remembered unless you click the key button`;
    box.password = true;
    box.ignoreFocusOut = true;
    box.buttons = [button()];
    let done = false;
    box.onDidTriggerButton(() => {
      remember = !remember;
      box.buttons = [button()];
      box.prompt = remember ? `${prompt} — will be remembered in VS Code's secret storage` : `${prompt} — not remembered unless you click the key button`;
    });
    box.onDidAccept(() => { done = true; const value = box.value; box.hide(); resolve({ value, remember }); });
    box.onDidHide(() => { if (!done) resolve(undefined); box.dispose(); });
    box.show();
  });
}
