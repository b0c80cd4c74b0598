/** The VS Code test harness: code-server + Debian Chromium + playwright-core. */
export { launchBrowser, openWorkbench, workbenchUrl, captureConsole, CHROMIUM_ARGS } from './browser';
export type { Browser, OpenWorkbenchOptions, WorkbenchUrlOptions } from './browser';
export { startCodeServer, freePort, DEFAULT_SETTINGS } from './codeServer';
export type { CodeServer, CodeServerOptions } from './codeServer';
export { runExtensionHostSuite } from './extensionHost';
export type { ExtensionHostSuiteOptions, ExtensionHostSuiteResult } from './extensionHost';
export * from './paths';
export { Workbench } from './workbench';
export type { ActivityBarItem, NotificationRow, ProblemRow, TreeRow } from './workbench';
export { openSession, useSession } from './session';
export type { Session, SessionOptions } from './session';
