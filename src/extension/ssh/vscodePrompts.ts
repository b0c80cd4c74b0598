/**
 * The SSH layer's questions asked through VS Code: an unknown host key in a modal (the real address, type and
 * SHA256 fingerprint), passphrases and passwords in an input box with a "Remember" toggle. Remembering is the
 * core's RememberedSecrets over SecretStorage: a password is bound to user, HostName, port and host key
 * fingerprint, never to the host's name in a cluster file. Every answer is registered with the log's redactor.
 */
import * as vscode from 'vscode';
import type { Redactor } from '../../core/redact';
import { describeDestination } from '../../core/ssh/destination';
import { RememberedSecrets } from '../../core/ssh/rememberedSecrets';
import type { SecretQuestion } from '../../core/ssh/rememberedSecrets';
import type { SshPrompts } from '../../core/ssh/types';

const INDEX_KEY = 'lvs.ssh.rememberedKeys';

export class VscodeSshPrompts {
  private readonly remembered: RememberedSecrets;

  constructor(secrets: vscode.SecretStorage, state: vscode.Memento, redactor: Redactor) {
    this.remembered = new RememberedSecrets(
      secrets,
      { keys: () => state.get<string[]>(INDEX_KEY, []), update: (keys) => state.update(INDEX_KEY, keys) },
      askSecret,
      (value) => redactor.add(value),
    );
  }

  prompts(): SshPrompts {
    return {
      confirmHostKey: async (q) => {
        const accept = 'Trust and Connect';
        const pick = await vscode.window.showWarningMessage(
          `The authenticity of host ${describeDestination(q.destination)} can't be established.`,
          {
            modal: true,
            detail: `${q.keyType} key fingerprint is ${q.fingerprint}.\n\nCompare it with the fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before trusting it. It will be remembered in the LVS trust store, not in ~/.ssh/known_hosts.`,
          },
          accept,
        );
        return pick === accept;
      },
      ...this.remembered.prompts(),
    };
  }

  /** Deletes every remembered secret; returns how many there were. */
  forgetAll(): Promise<number> {
    return this.remembered.forgetAll();
  }
}

/** A password input box with a "Remember in VS Code's secret storage" toggle button. */
function askSecret({ title, prompt, canRemember }: SecretQuestion): Promise<{ value: string; remember: boolean } | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    let remember = false;
    const button = (): vscode.QuickInputButton => ({
      iconPath: new vscode.ThemeIcon(remember ? 'pass-filled' : 'key'),
      tooltip: remember ? 'Will be remembered in VS Code\'s secret storage (click to not remember)' : 'Remember in VS Code\'s secret storage',
    });
    box.title = title;
    box.prompt = canRemember ? `${prompt} — not remembered unless you click the key button` : `${prompt} — used once (not tied to a verified host key, so it cannot be remembered)`;
    box.password = true;
    box.ignoreFocusOut = true;
    box.buttons = canRemember ? [button()] : [];
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
