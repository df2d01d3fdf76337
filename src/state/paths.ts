/** Where the state lives unless `--state` says otherwise (a module of its own: the first screen names it before the state store loads). */
export const DEFAULT_STATE_DIR = '.aws-runbook';
