import { allSteps, buildRunbook, parseSectionList, unavailableReason } from '../../runbook/sections.js';
import { checkOutsideNeeds } from '../../engine/prerequisites.js';
import { projectKey } from '../../engine/context.js';
import { readState } from '../../state/store.js';
import { assertSectionConfig } from '../../runbook/requirements.js';
import { STRIPE_ENV, stripeKeyProblems } from '../../tasks/hosts/shop/stripe-keys.js';
import { createPlainRenderer, verifyCommandLine } from '../../render/plain-renderer.js';
import type { Section, SectionId } from '../../engine/types.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { logLine, onInterrupt, openSession } from '../open-session.js';
import { runTuiWithSignals } from '../run-tui-signals.js';
import { loadScreens } from '../load-screens.js';
import { REHEARSAL_DISCARDED } from './tui.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

export interface UpOptions {
  yes?: boolean;
  only?: string;
  step?: boolean;
}

/**
 * The sections to run: `--only` (each must be able to run here) or every available one: with steps in
 * this version, and for the SSH sections, hosts the tool may reach.
 */
export function selectSections(runbook: readonly Section[], only: string | undefined, hostsReachable: boolean, hostsNotice?: string): SectionId[] {
  const available = runbook.filter((section) => unavailableReason(section, hostsReachable) === undefined).map((section) => section.id);
  if (!only) return available;
  const wanted = parseSectionList(only);
  const missing = wanted.flatMap((id) => {
    const section = runbook.find((s) => s.id === id);
    const reason = section ? unavailableReason(section, hostsReachable) : 'unknown';
    if (!reason) return [];
    const why = reason === 'coming later' ? 'no steps in this version of aws-runbook yet' : hostsNotice ? `${reason}; ${hostsNotice}` : reason;
    return [`${id} (${why})`];
  });
  if (missing.length > 0) {
    throw new UsageError(`--only: section ${missing.join('; ')} cannot run here; available now: ${available.join(', ')}`);
  }
  return wanted;
}

/** After a run of the hosts section: where each app answers (no password: those are shown on request in the assistant). */
function printAccess(session: Awaited<ReturnType<typeof openSession>>, io: CommandIO): void {
  const access = session.hostAccess();
  if (!access) return;
  const where = session.info.simulatedHosts ? ' (simulated hosts: these addresses lead nowhere outside this rehearsal)' : '';
  io.out(`apps${where}:`);
  for (const url of access.urls) io.out(`  ${url.label.padEnd(12)} ${url.url}${url.note ? `  ${url.note}` : ''}`);
}

export function exitCodeForOutcome(outcome: string): number {
  if (outcome === 'ok') return EXIT.ok;
  if (outcome === 'aborted') return EXIT.interrupted;
  return EXIT.failed;
}

export async function upCommand(global: GlobalOptions, options: UpOptions, io: CommandIO): Promise<number> {
  if (options.only !== undefined) parseSectionList(options.only);
  if (options.yes && options.step) throw new UsageError('--step asks before each step and --yes asks nothing: use one of them.');
  if (!options.yes && !io.interactive) {
    throw new UsageError(
      '`aws-runbook up` confirms each section, and there is no terminal to ask in (stdin/stdout is not a TTY). ' +
        'Preview with `aws-runbook plan`, then apply without questions with `aws-runbook up --yes`.',
    );
  }
  const session = await openSession(global, io, 'up', 'write', async (config, configPath, where) => {
    const sections = selectSections(buildRunbook(config), options.only, where.hostsReachable, where.hostsNotice);
    // In a terminal, missing Stripe keys are asked for (masked) rather than refused; with --yes nothing is asked.
    if (!options.yes && io.interactive && sections.includes('hosts') && stripeKeyProblems(process.env).length > 0) {
      const info = { project: projectKey(config), region: config.region, sandbox: Boolean(global.sandbox) };
      const keys = await (await loadScreens(() => import('../../screens/run-stripe-prompt.js'))).promptStripeKeys(process.env, info);
      if (!keys) throw new UsageError('Cancelled: the shop needs its Stripe keys; nothing was applied.');
      // This process only: the host steps read them from here; nothing writes them anywhere else.
      process.env[STRIPE_ENV.publishable] = keys.publishableKey;
      process.env[STRIPE_ENV.secret] = keys.secretKey;
    }
    await assertSectionConfig(config, sections, configPath);
    // A section whose prerequisites are neither selected nor recorded is refused before the state is opened.
    const runbook = buildRunbook(config);
    const selected = runbook.filter((s) => sections.includes(s.id)).flatMap((s) => s.steps);
    checkOutsideNeeds(selected, allSteps(runbook), await readState(where.stateDir));
  }, { screen: !options.yes });
  try {
    const sections = selectSections(session.runbook, options.only, session.hostsReachable, session.hostsNotice);
    if (!options.yes) {
      const code = await runTuiWithSignals(session, { screen: 'preview', sections, stepMode: Boolean(options.step) });
      if (global.sandbox) io.err(REHEARSAL_DISCARDED);
      return code;
    }
    // Ends a run that built something with the verify line; not in a sandbox, whose resources stop with this run.
    const suggestVerify = global.sandbox ? undefined : verifyCommandLine(global);
    const render = createPlainRenderer({ write: io.out, verbose: Boolean(global.verbose), color: io.color, ...(suggestVerify ? { suggestVerify } : {}) });
    const unsubscribe = session.subscribe((event) => render(event));
    const release = onInterrupt(() => session.abort(), io);
    try {
      const resume = session.resumeInfo();
      if (resume) {
        io.out(
          `Resuming: the last \`${resume.command}\` (started ${resume.startedAt}) was ${resume.outcome}` +
            (resume.stepId ? ` at ${resume.stepId}` : '') +
            (resume.error ? ` — ${resume.error.message}` : '') +
            '. Steps already done are checked, not redone.',
        );
      }
      await session.loadIdentity();
      const outcome = await session.apply(sections);
      if (outcome === 'ok' && sections.includes('hosts')) printAccess(session, io);
      if (outcome === 'failed') io.err(`Fix the cause above, then run \`aws-runbook up\` again: it resumes from the failed step.${logLine(session.info.logPath)}`);
      if (outcome === 'aborted') io.err(`Stopped. \`aws-runbook status\` shows where; \`aws-runbook up\` resumes.${logLine(session.info.logPath)}`);
      return exitCodeForOutcome(outcome);
    } finally {
      release();
      unsubscribe();
    }
  } finally {
    await session.close();
  }
}
