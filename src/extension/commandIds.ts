/**
 * The ids of every `lvs.*` command, with no `vscode` import so the unit tests can check them against
 * package.json (`contributes.commands`). `createCommands()` in `commands.ts` must implement exactly these.
 */

export const COMMAND_IDS = [
  'lvs.validateAll', 'lvs.showStats', 'lvs.refresh', 'lvs.plan', 'lvs.apply', 'lvs.prepareHosts', 'lvs.teardownHosts', 'lvs.runDoctor',
  'lvs.drainServer', 'lvs.restoreServer', 'lvs.setWeight', 'lvs.openSshTerminal', 'lvs.revealInFile',
  'lvs.createClusterFile', 'lvs.showLog', 'lvs.forgetSecrets', 'lvs.importFromDirector', 'lvs.importRulesFile',
  'lvs.checkConfOnDirector',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
