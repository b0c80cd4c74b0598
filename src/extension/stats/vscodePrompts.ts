/**
 * The SSH layer's questions (SshPrompts) asked through VS Code's UI: a minimal adapter (quick pick for an
 * unknown host key, password input boxes for passphrases and passwords). Answers are used once, never stored.
 */
import * as vscode from 'vscode';
import type { SshPrompts } from '../../core/ssh/types';

export function vscodeSshPrompts(): SshPrompts {
  const secret = async (title: string, prompt: string): Promise<string | undefined> => vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true });
  return {
    confirmHostKey: async (q) => {
      const accept = 'Accept the key and connect';
      const pick = await vscode.window.showQuickPick([accept, 'Cancel'], {
        title: `Unknown host key for ${q.host}:${q.port}`,
        placeHolder: `${q.keyType} key ${q.fingerprint} — check it out of band before accepting`,
        ignoreFocusOut: true,
      });
      return pick === accept;
    },
    passphrase: (q) => secret(`SSH key passphrase (${q.host})`, `Passphrase for ${q.keyPath}`),
    password: (q) => secret(`SSH password (${q.user}@${q.host})`, q.prompt.trim() || `Password for ${q.user}@${q.host}`),
    sudoPassword: (q) => secret(`sudo password (${q.host})`, `sudo on ${q.host} asks for the password of ${q.user}`),
  };
}
