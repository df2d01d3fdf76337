import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/screens/App.js';
import { Failure } from '../../src/screens/Failure.js';
import { InitForm } from '../../src/screens/InitForm.js';
import { Progress } from '../../src/screens/Progress.js';
import { StripeKeysPrompt } from '../../src/screens/StripeKeysPrompt.js';
import { initialRunView, runReducer } from '../../src/engine/reducer.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { FinishedEntry } from '../../src/screens/use-finished-log.js';
import { FakeController } from './fake-controller.js';
import { cleanup, renderScreen, type ScreenHandle } from './helpers/render-screen.js';
import { SIZES, framesProblems, type FitRules } from './helpers/fit.js';
import { bigChecks, bigPlan, bigRunEvents, bigSections } from './big-fixtures.js';

afterEach(() => cleanup());

const FOOTER = /\? keys|Esc/;
const INFO = { project: 'bfhk', configPath: '/work/aws-runbook.yaml', configFound: true, stateDir: '/work/.aws-runbook', region: 'us-east-2', sandbox: true, simulatedHosts: true };
const NOTICES = [
  'SANDBOX — nothing real is created: AWS is emulated by moto behind the gateway at http://127.0.0.1:35085.',
  'SANDBOX — ~/.ssh/id_ed25519.pub cannot be read: the rehearsal imports a throwaway key (/tmp/aws-runbook-sandbox-XaGZzn/sandbox-key.pub).',
  'SANDBOX — shop.source is not set: the rehearsal installs a stand-in shop (/tmp/aws-runbook-sandbox-XaGZzn/sandbox-shop), not Rocket eCommerce.',
  'SANDBOX — STRIPE_PUBLISHABLE_KEY and STRIPE_SECRET_KEY are not set: the rehearsal uses fake test keys (pk_test_…/sk_test_…), in this process only.',
];
const ACCESS = {
  urls: [
    { label: 'shop', url: 'http://198.51.100.10:5085/', note: 'admin at /admin/, user admin (password on request, g)' },
    { label: 'WordPress', url: 'http://198.51.100.11/', note: 'log in at /wp-login.php as admin (password on request, g); its email is admin@bfhk.invalid: change it in Settings' },
    { label: 'GitLab', url: 'http://198.51.100.12/', note: 'user root (its initial password on request, g: GitLab deletes it after 24 h)' },
  ],
  ssh: (['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'] as const).map((host, i) => ({ host, name: `VM-${host}`, command: `ssh -J ubuntu@198.51.100.12 ubuntu@10.${i}.2.10 -o ServerAliveInterval=30 -i ~/.ssh/a-rather-long-key-name_ed25519` })),
};
const CREDENTIALS = ['GitLab', 'shop admin (Django superuser)', 'WordPress admin', 'Uptime Kuma admin'].map((label, i) => ({ label, user: 'admin', where: `host:/etc/aws-runbook/admin/${i}.password`, password: `Pw-${i}-abcdefghijklmnop` }));

function bigController(extra: Partial<ConstructorParameters<typeof FakeController>[0]> = {}) {
  const sections = bigSections();
  return new FakeController({
    info: INFO,
    sections,
    plans: Object.fromEntries(sections.map((s) => [s.id, bigPlan(s.id)])),
    checks: bigChecks(),
    checkMs: 1,
    stepMs: 2,
    hostAccess: ACCESS,
    credentials: CREDENTIALS,
    ...extra,
  });
}

/** Every frame of `screen` from `from` on fits, has its header and footer, and shows the selection. */
function expectFits(screen: ScreenHandle, from: number, rules: FitRules = { footer: FOOTER }, only?: RegExp) {
  const frames = screen.frames().slice(from).filter((frame) => !only || only.test(frame));
  expect(frames.length).toBeGreaterThan(0);
  expect(framesProblems(frames, screen.size(), rules)).toEqual([]);
}

async function pressMany(screen: ScreenHandle, key: string, times: number) {
  for (let i = 0; i < times; i++) await screen.press(key);
}

describe.each(SIZES)('every screen fits a terminal of $columns x $rows', (size) => {
  it('Welcome (the rehearsal notes, a run to resume), scrolled to its end; Overview with its cursor on each section; the ? keys', async () => {
    const resume = { command: 'up' as const, startedAt: '2026-11-02T03:04:05Z', stepId: 'network.step-03', stepTitle: 'Route 3', outcome: 'interrupted' as const, pendingOperation: 'CreateRoute (token awsrb-0123456789abcdef0123456789abcdef)' };
    const screen = await renderScreen(<App controller={bigController({ resume })} onExit={vi.fn()} notices={NOTICES} />, size);
    await screen.waitForFrame('account   123456789012');
    await pressMany(screen, 'pageDown', 3);
    const welcome = screen.frame();
    expect(welcome).toContain('SANDBOX — STRIPE_PUBLISHABLE_KEY');
    expectFits(screen, 0);

    await screen.press('o');
    await screen.waitForFrame('─ Overview');
    const from = screen.frames().length;
    await pressMany(screen, 'down', 9);
    await pressMany(screen, 'up', 3);
    expectFits(screen, from, { footer: FOOTER, selected: /^❯ / }, /^─ Overview/m);
    await screen.press('?');
    const help = await screen.waitForFrame('Keys of this screen');
    expect(help).toContain('1–8');
    await screen.press('x'); // any key closes the help
    await screen.waitForFrame((f) => !f.includes('Keys of this screen'));
    expectFits(screen, from);
  });

  it('a 40-step preview: the cursor on every step, the selected step\'s details, all of them on d', async () => {
    const screen = await renderScreen(<App controller={bigController()} onExit={vi.fn()} />, size);
    await screen.waitForFrame('Enter overview');
    await screen.press('enter');
    await screen.press('enter');
    await screen.waitForFrame('y/Enter');
    const from = screen.frames().length;
    for (let i = 1; i < 40; i++) {
      await screen.press('down');
      expect(screen.frame()).toMatch(new RegExp(`❯ \\[(create|adopt)\\] Route ${i} `));
    }
    expectFits(screen, from, { footer: FOOTER, selected: /^❯ \[/ }, /^─ Preview/m);
    await screen.press('d');
    await screen.waitForFrame('d/Esc back to the steps');
    await pressMany(screen, 'pageDown', 2);
    expect(screen.frame()).toContain('Step 39: The runbook creates');
    await screen.press('d');
    expectFits(screen, from);
  });

  it('a run with 16 steps at work and long ids in the log; the y/n/a prompt', async () => {
    const plan = bigPlan('hosts');
    const view = bigRunEvents(plan, 20, 16).reduce(runReducer, initialRunView);
    const log: FinishedEntry[] = plan.slice(0, 20).map((step) => ({ key: `1:${step.stepId}`, run: 1, stepId: step.stepId, title: step.title, status: view.steps[step.stepId]! }));
    const props = { info: INFO, view, sections: ['hosts' as const], plan, log, run: 1, startedAt: Date.now(), stopping: false, onAnswer: vi.fn(), onOverview: vi.fn() };
    const screen = await renderScreen(<Progress {...props} />, size);
    const frame = await screen.waitForFrame('20 finished · 16 running · 4 to go');
    expect(frame).toMatch(/more running/);
    await pressMany(screen, 'pageUp', 2);
    expectFits(screen, 0);
    const prompted = await renderScreen(<Progress {...props} prompt={plan[36]} />, size);
    const ask = await prompted.waitForFrame(/a:\s+this\s+one\s+and\s+the\s+rest\s+of\s+hosts/);
    expect(ask).toMatch(/y apply this step\s+·\s+n skip it\s+·\s+a apply the rest of hosts/);
    expectFits(prompted, 0);
  });

  it('a Failure whose error is long', async () => {
    const plan = bigPlan('network', 3);
    const long = `${'You are not authorized to perform this operation. '.repeat(6)}Encoded authorization failure message: ${'x'.repeat(300)}`;
    const events: EngineEvent[] = [...plan.map((step) => ({ type: 'step-planned' as const, step })), { type: 'step-started', stepId: plan[0]!.stepId, action: 'create', at: 0 }, { type: 'step-failed', stepId: plan[0]!.stepId, error: { kind: 'permission', code: 'UnauthorizedOperation', message: long, hint: `Grant ec2:CreateRoute to arn:aws:iam::123456789012:user/ops. ${long}`, retryable: false }, at: 1 }];
    const view = events.reduce(runReducer, initialRunView);
    const screen = await renderScreen(<Failure info={{ ...INFO, logPath: '/work/.aws-runbook/logs/2026-11-02T03-04-05-tui-1234.jsonl' }} view={view} sections={['network']} plan={plan} onRetry={vi.fn()} onOverview={vi.fn()} />, size);
    await screen.waitForFrame('retry (resumes from this step)');
    await pressMany(screen, 'pageDown', 4);
    expect(screen.frame()).toContain('tui-1234.jsonl');
    expectFits(screen, 0);
  });

  it('the Summary with hosts, admin accounts shown and the step log open', async () => {
    const controller = bigController({ sections: bigSections().map((s) => ({ ...s, recorded: 'done' as const })) });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, size);
    await screen.waitForFrame('Enter overview');
    await screen.press('o');
    await screen.press('s');
    await screen.waitForFrame('─ Summary');
    const from = screen.frames().length;
    // g shows the admin accounts, brought into view however small the terminal.
    await screen.press('g');
    await screen.waitForFrame('Pw-3-abcdefghijklmnop');
    expect(screen.frame()).toContain('Pw-0-abcdefghijklmnop');
    await screen.press('l');
    await pressMany(screen, 'pageDown', 6);
    expect(screen.frame()).toMatch(/Backups\s+done/);
    await screen.press('down');
    expectFits(screen, from, { footer: FOOTER, selected: /^❯ / }, /^─ Summary/m);
  });

  it('a checklist of 70 checks: the cursor and the selected check\'s evidence stay in view', async () => {
    const screen = await renderScreen(<App controller={bigController()} onExit={vi.fn()} />, size);
    await screen.waitForFrame('Enter overview');
    await screen.press('o');
    await screen.press('v');
    await screen.waitForFrame(/\d+ passed, \d+ failed/, 20_000); // 70 checks rendered one by one: seconds on a loaded 2-core machine
    await screen.press('enter'); // the evidence of the selected check, kept open as the cursor moves
    const from = screen.frames().length;
    for (let i = 1; i < 70; i++) {
      await screen.press('down');
      const frame = screen.frame();
      expect(frame).toMatch(new RegExp(`❯ . Check ${i}:`));
      expect(frame).toContain(`evidence ${i}:`);
    }
    expectFits(screen, from, { footer: FOOTER, selected: /^❯ / }, /^─ Checklist/m);
    await pressMany(screen, 'pageUp', 3);
    await screen.press('e');
    await screen.waitForFrame('e/Esc back to the list');
    await pressMany(screen, 'pageDown', 2);
    expectFits(screen, from);
  });

  it('the setup form and the Stripe keys', async () => {
    const note = "offered: 93.184.215.14/32, this machine's public address, on its interface eth1; change it if you connect from elsewhere";
    const form = await renderScreen(<InitForm intro="No aws-runbook.yaml here yet: a few answers first (what `aws-runbook init` asks), then the assistant." notes={{ adminCidr: note }} onSubmit={() => ({ ok: false, field: 'adminCidr', message: '0.0.0.0/0 opens SSH to everyone — fix: use your own address, e.g. 203.0.113.7/32 (or set access.allowOpenAdminCidr)' })} />, size);
    await form.waitForFrame('Project suffix');
    await pressMany(form, 'enter', 5);
    await form.waitForFrame('opens SSH to everyone');
    expectFits(form, 0, { footer: /Esc/, selected: /❯/ });
    const keys = await renderScreen(<StripeKeysPrompt info={INFO} env={{}} onSubmit={vi.fn()} onCancel={vi.fn()} />, size);
    await keys.waitForFrame('Stripe keys');
    await keys.type('pk_test_51Hq0aBcDeFgHiJkLmNoPq');
    await keys.press('enter');
    await keys.press('enter');
    await keys.waitForFrame('STRIPE_SECRET_KEY');
    expectFits(keys, 0, { footer: /Esc/, selected: /❯/ });
  });
});

describe('on resize', () => {
  it('the screen lays itself out again for the new size', async () => {
    const screen = await renderScreen(<App controller={bigController()} onExit={vi.fn()} />, { columns: 120, rows: 40 });
    await screen.waitForFrame('Enter overview');
    await screen.press('enter');
    await screen.press('enter');
    await screen.waitForFrame('y/Enter');
    expect(screen.frame().split('\n')).toHaveLength(39);
    const from = screen.frames().length;
    await screen.resize(80, 24);
    await screen.press('down');
    expect(screen.frame().split('\n')).toHaveLength(23);
    expectFits(screen, from, { footer: FOOTER, selected: /^❯ \[/ });
    await screen.resize(100, 30);
    expect(screen.frame().split('\n')).toHaveLength(29);
  });
});
