/**
 * The order in which we authenticate, as data: `none` (to learn the server's methods), the ssh-agent, each
 * identity file, then keyboard-interactive and password when the caller can ask for a password.
 */

export type AuthStep =
  | { kind: 'none' }
  | { kind: 'agent'; socket: string }
  | { kind: 'key'; path: string }
  | { kind: 'keyboard-interactive' }
  | { kind: 'password' };

export type SshAuthMethod = 'none' | 'publickey' | 'keyboard-interactive' | 'password';

export interface AuthPlanInput {
  /** `SSH_AUTH_SOCK`, when set. */
  agentSocket?: string;
  identityFiles: readonly string[];
  /** IdentitiesOnly yes: the agent is not offered (we use the files themselves). */
  identitiesOnly: boolean;
  /** A password prompt was handed in. */
  canAskPassword: boolean;
}

export function planAuth(input: AuthPlanInput): AuthStep[] {
  const steps: AuthStep[] = [{ kind: 'none' }];
  if (input.agentSocket && !input.identitiesOnly) steps.push({ kind: 'agent', socket: input.agentSocket });
  for (const path of new Set(input.identityFiles)) steps.push({ kind: 'key', path });
  if (input.canAskPassword) steps.push({ kind: 'keyboard-interactive' }, { kind: 'password' });
  return steps;
}

export function methodOf(step: AuthStep): SshAuthMethod {
  switch (step.kind) {
    case 'none': return 'none';
    case 'agent': case 'key': return 'publickey';
    case 'keyboard-interactive': return 'keyboard-interactive';
    case 'password': return 'password';
  }
}

/**
 * Index of the next step to try from `from`, skipping those the server does not offer (`methodsLeft` is
 * null before the first answer); `-1` when nothing is left.
 */
export function nextStepIndex(steps: readonly AuthStep[], from: number, methodsLeft: readonly string[] | null): number {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    if (step.kind === 'none' && methodsLeft !== null) continue;
    if (methodsLeft === null || step.kind === 'none' || methodsLeft.includes(methodOf(step))) return i;
  }
  return -1;
}
