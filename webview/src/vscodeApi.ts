/** The webview side of VS Code's messaging and state (acquireVsCodeApi may be called once only). */
import type { HostToWebviewMessage, WebviewState, WebviewToHostMessage } from '../../src/shared/statsProtocol';

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: WebviewToHostMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
  onMessage(listener: (message: HostToWebviewMessage) => void): void;
}

export function connectHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (m) => api.postMessage(m),
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
    onMessage: (listener) => window.addEventListener('message', (e: MessageEvent<HostToWebviewMessage>) => listener(e.data)),
  };
}
