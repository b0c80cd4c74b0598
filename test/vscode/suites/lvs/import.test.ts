/**
 * "Import as Cluster File" in a real extension host: a rules file written into the scratch workspace is
 * imported through the command (as the Explorer's context menu calls it, with the file's Uri); the new
 * cluster file appears beside the rules file, opens in an editor with the lvs-cluster language and has no
 * error diagnostics; a second import never overwrites the first. A keepalived.conf (with an include on disk) is
 * imported the same way into an engine-keepalived cluster, its losses as comments.
 */
import * as assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor, waitForNoDiagnostics, workspaceFile } from '../helpers';

const RULES = `-A -t 10.0.0.200:80 -s rr
-a -t 10.0.0.200:80 -r 10.0.0.11:80 -g -w 1
-a -t 10.0.0.200:80 -r 10.0.0.12:80 -m -w 2
-A -u 10.0.0.200:53 -s wrr -p 60
`;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try { await vscode.workspace.fs.stat(uri); return true; } catch { return false; }
}

describe('LVS: Import as Cluster File', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await closeAllEditors();
  });

  it('writes web.lvs.yaml beside the rules file, opens it, no errors; a second import goes to web-2.lvs.yaml', async () => {
    const rules = workspaceFile('imports', 'web.ipvsadm');
    await vscode.workspace.fs.writeFile(rules, new TextEncoder().encode(RULES));
    const target = workspaceFile('imports', 'web.lvs.yaml');
    assert.equal(await exists(target), false);

    await vscode.commands.executeCommand('lvs.importRulesFile', rules);
    assert.equal(await exists(target), true, 'web.lvs.yaml was written beside web.ipvsadm');
    const editor = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString()), 'the imported file to open');
    assert.equal(editor.document.languageId, 'lvs-cluster');
    assert.match(editor.document.getText(), /^# Imported by lvsctl import from web\.ipvsadm\./);
    assert.match(editor.document.getText(), /- name: web\n/);
    assert.match(editor.document.getText(), /- \{ address: 10\.0\.0\.12, method: nat, weight: 2 \}/);
    await waitForNoDiagnostics(target, (d) => d.severity === vscode.DiagnosticSeverity.Error, 'no error in the imported file');

    const first = editor.document.getText();
    await vscode.commands.executeCommand('lvs.importRulesFile', rules);
    const second = workspaceFile('imports', 'web-2.lvs.yaml');
    await waitFor(() => exists(second), 'web-2.lvs.yaml');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), first, 'the first import is untouched');
  });

  it('imports a keepalived.conf and its include into an engine-keepalived cluster beside it', async () => {
    const conf = workspaceFile('imports', 'keepalived', 'keepalived.conf');
    const included = workspaceFile('imports', 'keepalived', 'conf.d', 'web.conf');
    await vscode.workspace.fs.writeFile(conf, new TextEncoder().encode(
      'global_defs {\n    router_id lvs1\n}\nvrrp_script chk {\n    script /bin/true\n}\n'
      + 'vrrp_instance web {\n    interface eth0\n    virtual_router_id 60\n    priority 150\n    version 3\n    virtual_ipaddress {\n        10.0.0.200\n    }\n}\n'
      + 'include conf.d/*.conf\n'));
    await vscode.workspace.fs.writeFile(included, new TextEncoder().encode(
      'virtual_server 10.0.0.200 80 {\n    lvs_sched rr\n    lvs_method DR\n    real_server 10.0.0.11 80 {\n        TCP_CHECK {\n            connect_timeout 2\n        }\n    }\n}\n'));
    const target = workspaceFile('imports', 'keepalived', 'web.lvs.yaml');
    // Not awaited: with warnings the command ends when its "Show Log" notification is answered.
    void vscode.commands.executeCommand('lvs.importRulesFile', conf);
    const editor = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString()), 'the imported file to open');
    const text = editor.document.getText();
    assert.match(text, /^# Imported by LVS: Import as Cluster File from keepalived\.conf/);
    assert.match(text, /engine: keepalived/);
    assert.match(text, /virtualRouterId: 60/);
    assert.match(text, /- \{ address: 10\.0\.0\.11, method: dr, weight: 1 \}/, 'the included virtual server');
    assert.match(text, /type: tcp\n {10}interval: 60\n {10}timeout: 2/);
    assert.match(text, /# .*keepalived\.conf:4: "vrrp_script chk" \{ … \} in the configuration is not imported/);
    await waitForNoDiagnostics(target, (d) => d.severity === vscode.DiagnosticSeverity.Error, 'no error in the imported file');
  });
});
