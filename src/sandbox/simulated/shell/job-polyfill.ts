import { BashTransformPipeline, parse, type CommandNode, type ScriptNode, type StatementNode, type TransformPlugin } from 'just-bash';

/**
 * Two shell features just-bash (3.4) gets wrong, both used by the SSH layer's command wrapper
 * (src/ssh/remote-command.ts: `( CMD\n) <&0 &` then `wait $!`), filled in as AST rewrites through
 * just-bash's own transform-plugin API. They apply to every script the simulated shell runs, whatever
 * its text; nothing here looks at what a script is for.
 *
 * 1. `<&0` on a command (duplicate stdin onto stdin: the identity) makes just-bash drop the command's
 *    stdin. The redirection is removed: same meaning, and the stdin reaches the command.
 * 2. just-bash runs a background job (`LIST &`) to completion at once, and its `wait` builtin always
 *    answers 0, so `wait $!` loses the job's exit status. The job is run as `( LIST )`, its status
 *    kept in a variable, and `wait ID…` answers that status (`wait` without an id answers 0, as bash).
 *    A failing job does not trip `set -e` in the shell that started it, as in bash. With several
 *    jobs, `wait ID` answers the last job's status (the jobs ran one after another anyway).
 * The rewritten tree is printed back as text for just-bash to run; its printer writes a subshell that
 * opens a subshell or a command substitution as `((`/`$((` (arithmetic), so such a leading subshell is
 * put in a `{ …; }` group first (same meaning).
 */

const JOB_STATUS = '__simulated_job_status';

function template<T>(script: string, pick: (ast: ScriptNode) => T): () => T {
  return () => pick(parse(script));
}

/**
 * `( { :; } ) && printf -v JOB_STATUS … 0 || printf -v JOB_STATUS … "$?"` — the group's body is replaced by
 * the job, which runs in a subshell as a background job does in bash. The subshell matters: around a bare
 * `{ …; }` group just-bash's `set -e` fires despite the `&&`. printf -v, not `JOB_STATUS=$?`, which
 * just-bash gives the status $? had (tripping `set -e`).
 */
const jobStatement = template(`( { :; } ) && printf -v ${JOB_STATUS} '%s' 0 || printf -v ${JOB_STATUS} '%s' "$?"`, (ast) => ast.statements[0] as StatementNode);
/** `( exit "${JOB_STATUS:-127}" )` — what `wait ID` becomes. */
const waitCommand = template(`( exit "\${${JOB_STATUS}:-127}" )`, (ast) => ast.statements[0]?.pipelines[0]?.commands[0] as CommandNode);

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatementList(value: unknown): value is StatementNode[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isNode(item) && item['type'] === 'Statement');
}

/** A word that is exactly this literal text. */
function literal(word: unknown, text: string): boolean {
  if (!isNode(word) || !Array.isArray(word['parts']) || word['parts'].length !== 1) return false;
  const part = word['parts'][0] as unknown;
  return isNode(part) && part['type'] === 'Literal' && part['value'] === text;
}

function isStdinOntoStdin(redirection: unknown): boolean {
  if (!isNode(redirection) || redirection['operator'] !== '<&') return false;
  const fd = redirection['fd'];
  return (fd === null || fd === undefined || fd === 0) && literal(redirection['target'], '0');
}

function rewriteCommand(command: Node): Node {
  if (Array.isArray(command['redirections'])) command['redirections'] = command['redirections'].filter((r) => !isStdinOntoStdin(r));
  if (command['type'] === 'SimpleCommand' && literal(command['name'], 'wait') && Array.isArray(command['args']) && command['args'].length > 0) {
    const replacement = waitCommand() as unknown as Node;
    replacement['redirections'] = command['redirections'];
    return replacement;
  }
  rewriteChildren(command);
  return command;
}

/** Groups made by `inGroup`: their own leading subshell is the one they protect. */
const protectiveGroups = new WeakSet<object>();

/** `{ CMD; }` around one command: the same meaning. */
function inGroup(command: Node): Node {
  const group = jobStatement().pipelines[0]?.commands[0] as unknown as { body: { pipelines: { commands: Node[] }[] }[] };
  const inner = group.body[0]?.pipelines[0]?.commands[0] as Node;
  inner['body'] = [{ type: 'Statement', pipelines: [{ type: 'Pipeline', commands: [command], negated: false }], operators: [], background: false }];
  protectiveGroups.add(inner);
  return inner;
}

function rewriteStatements(statements: StatementNode[], parent?: Node): StatementNode[] {
  // just-bash serializes a list that starts with a subshell, right after `(` or `$(`, as `((`/`$((`
  // (arithmetic): the leading subshell goes in a group.
  const first = statements[0]?.pipelines[0];
  if (first && (!parent || !protectiveGroups.has(parent)) && (first.commands[0] as unknown as Node | undefined)?.['type'] === 'Subshell') {
    first.commands[0] = inGroup(first.commands[0] as unknown as Node) as unknown as CommandNode;
  }
  return statements.map((statement) => {
    for (const pipeline of statement.pipelines) {
      pipeline.commands = pipeline.commands.map((command) => rewriteCommand(command as unknown as Node) as unknown as CommandNode);
    }
    if (!statement.background) return statement;
    const job = jobStatement();
    // The job goes in a group inside the subshell: just-bash serializes `( (…) )` as `((…))`, arithmetic.
    const subshell = job.pipelines[0]?.commands[0] as unknown as { body: { pipelines: { commands: Node[] }[] }[] };
    const group = subshell.body[0]?.pipelines[0]?.commands[0] as Node;
    group['body'] = [{ ...statement, background: false }];
    return job;
  });
}

/** Every statement list and command below `node` (compound bodies, clauses, case items, functions, substitutions). */
function rewriteChildren(node: Node): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'redirections') continue;
    if (isStatementList(value)) node[key] = rewriteStatements(value, node);
    else if (Array.isArray(value)) value.forEach((item) => isNode(item) && rewriteNested(item));
    else if (isNode(value)) rewriteNested(value);
  }
}

function rewriteNested(node: Node): void {
  const type = node['type'];
  if (type === 'SimpleCommand' || type === 'Subshell' || type === 'Group' || type === 'If' || type === 'For' || type === 'While' || type === 'Until' || type === 'Case') {
    rewriteCommand(node);
  } else {
    rewriteChildren(node);
  }
}

export const jobPolyfill: TransformPlugin = {
  name: 'simulated-host-job-polyfill',
  transform({ ast }) {
    return { ast: { ...ast, statements: rewriteStatements(ast.statements) } };
  },
};

const pipeline = new BashTransformPipeline().use(jobPolyfill);

/** The script with the two rewrites applied (see above), as text for just-bash to run. */
export function polyfilled(script: string): string {
  return pipeline.transform(script).script;
}
