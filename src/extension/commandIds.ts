/**
 * The ids of every `lvs.*` command, with no `vscode` import so the unit tests can check them against
 * package.json (`contributes.commands`). `createCommands()` in `commands.ts` must implement exactly these.
 */

export const COMMAND_IDS = ['lvs.validateAll', 'lvs.showStats'] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
