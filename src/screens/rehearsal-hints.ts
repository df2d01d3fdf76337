/**
 * A rehearsal lives in this process only: a shell command run next to it reaches nothing of it (its
 * emulator and hosts go when it ends). What the checks advise as a command, said as the key that does it here.
 */
const IN_THE_ASSISTANT: [RegExp, string][] = [
  [/`?aws-runbook backup`?/g, "the Summary's \"dump the databases now\""],
  [/`?aws-runbook up --only ([a-z,]+)`?/g, 'opening $1 on the Overview again'],
  [/`--only ([a-z,]+)`/g, '$1'],
  [/`?aws-runbook (?:up|plan)`?/g, 'opening the section on the Overview again'],
  [/`?aws-runbook verify`?/g, 'a (rerun all)'],
  [/`?aws-runbook status`?/g, 'the Overview'],
  [/`?aws-runbook down`?/g, "the Summary's \"tear the rehearsal down\""],
];

export function rehearsalHint(text: string): string {
  return IN_THE_ASSISTANT.reduce((out, [pattern, said]) => out.replace(pattern, said), text);
}
