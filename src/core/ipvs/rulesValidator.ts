/** The diagnostics of a rules file (`ipvsadm -R` input), for the editor and `lvsctl`. */

import type { Diagnostic } from '../diagnostics';
import type { ParseRulesOptions } from './rulesParser';
import { parseRules } from './rulesParser';

export function validateRules(text: string, options: ParseRulesOptions = {}): Diagnostic[] {
  return parseRules(text, options).diagnostics;
}
