import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/screens/App.js';
import type { CheckOutcome } from '../../src/tasks/checks/types.js';
import type { PlannedStep } from '../../src/engine/types.js';
import { FakeController } from './fake-controller.js';
import { cleanup, renderScreen } from './helpers/render-screen.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

const CLI_ADVICE = /aws-runbook (backup|verify|status|down|up)\b/;
const DONE = SECTIONS.map((s) => ({ ...s, available: true, recorded: 'done' as const, stepIds: s.stepIds.length > 0 ? s.stepIds : ['hosts.login.gitlab'] }))
  .concat([{ id: 'backup', title: 'Backups', description: 'dumps', stepIds: ['backup.timer'], recorded: 'done', available: true }]);
const WARNED: CheckOutcome = {
  id: 'storage.backups.fresh',
  group: 'storage',
  title: 'The newest database dump is younger than 26 h',
  required: false,
  status: 'warn',
  evidence: 'no dump under s3://bfhk-backups/backups/ yet',
  hint: '`aws-runbook backup` makes one now; the timer makes one at 03:00 UTC daily',
  elapsedMs: 2,
};
const ACCESS = { urls: [{ label: 'shop', url: 'http://198.51.100.10:5085/' }], ssh: [{ host: 'gitlab' as const, name: 'VM-GitLab-BFHK', command: 'ssh ubuntu@198.51.100.12' }] };

describe('the rehearsal ends honestly', () => {
  it('the sandbox Summary offers the checklist, a dump now and the teardown in the assistant, and advises no shell command; so does the Checklist', async () => {
    const controller = new FakeController({
      info: { sandbox: true, simulatedHosts: true },
      sections: DONE,
      plans: {},
      hostAccess: ACCESS,
      checks: [WARNED],
      backup: { dumped: [{ database: 'shop', url: 's3://bfhk-backups/backups/shop/2026-11-02T03:04:05.000Z.sql.gz', bytes: 291 }], failures: [] },
    });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, { columns: 80, rows: 24 });
    await screen.waitForFrame('Enter overview');
    await screen.press('o');
    await screen.press('s');
    let frame = await screen.waitForFrame('─ Summary');
    expect(frame).toMatch(/❯ the checklist: does everything hold\?\n\s+dump the databases now.*\n\s+tear the rehearsal down/);
    // Dump now, here.
    await screen.press('down');
    await screen.press('enter');
    frame = await screen.waitForFrame('✓ dumped shop');
    expect(controller.calls.backupNow).toBe(1);
    // The checklist's fix names what to do here, not a shell command that cannot reach the rehearsal.
    await screen.press('v');
    frame = await screen.waitForFrame(/1 warning/);
    expect(frame).toContain('fix: the Summary\'s "dump the databases now" makes one now');
    await screen.press('b');
    await screen.waitForFrame('─ Summary');
    await screen.press('l');
    const shown = screen.frames().filter((f) => /^─ (Summary|Checklist)/m.test(f));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((f) => CLI_ADVICE.test(f))).toEqual([]);
  });

  it('tear down asks, then removes what the rehearsal built (the Progress of the teardown), and lands on the Overview', async () => {
    const plans = { network: NETWORK_PLAN, peering: PEERING_PLAN };
    const controller = new FakeController({ info: { sandbox: true }, sections: SECTIONS, plans });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, { columns: 80, rows: 24 });
    await screen.waitForFrame('Enter overview');
    await screen.press('enter');
    await screen.press('enter');
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    await screen.waitForFrame('next: Peering');
    await screen.press('s');
    await screen.waitForFrame('tear the rehearsal down');
    await screen.press('down');
    await screen.press('enter');
    await screen.waitForFrame('Tear down everything the rehearsal built? y/N');
    await screen.press('n');
    await screen.waitForFrame((f) => !f.includes('Tear down everything'));
    expect(controller.calls.teardown).toBe(0);
    await screen.press('enter');
    await screen.waitForFrame('Tear down everything the rehearsal built?');
    await screen.press('y');
    const overview = await screen.waitForFrame('Torn down: nothing the rehearsal built is left.');
    expect(overview).toMatch(/· Network\s+not started/);
    expect(controller.calls.teardown).toBe(1);
    const teardown = screen.frames().filter((f) => /─ Tearing down the rehearsal/.test(f));
    expect(teardown.length).toBeGreaterThan(0);
    expect(teardown.some((f) => /\d finished · \d running · \d to go/.test(f) && /✓ MVP internet gateway\s+destroy/.test(f))).toBe(true);
  });

  it('outside the sandbox the Summary says what to run from a shell, and offers no teardown', async () => {
    const controller = new FakeController({ sections: DONE, plans: {}, hostAccess: ACCESS });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, { columns: 120, rows: 40 });
    await screen.waitForFrame('Enter overview');
    await screen.press('o');
    await screen.press('s');
    const frame = await screen.waitForFrame('─ Summary');
    expect(frame).toContain('`aws-runbook down`');
    expect(frame).not.toContain('tear the rehearsal down');
    expect(frame).not.toContain('dump the databases now');
  });
});

describe('numbers that add up', () => {
  it('the Welcome and the Overview say what each section costs a month and takes on AWS, and the total', async () => {
    const estimate = {
      sections: { network: { monthlyUsd: 73, seconds: 125 }, peering: { seconds: 5 }, hosts: { seconds: 700 } },
      total: { monthlyUsd: 531.11, seconds: 1140 },
    };
    const controller = new FakeController({ sections: SECTIONS, plans: { network: NETWORK_PLAN }, estimate });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, { columns: 80, rows: 24 });
    const welcome = await screen.waitForFrame('account   123456789012');
    expect(welcome).toContain('The runbook once built: ≈$531.11 a month, about 19 min on AWS');
    expect(welcome).toMatch(/Network\s+\$73\.00\/mo\s+≈2 min\s+Peering\s+—\s+<1 min/);
    await screen.press('enter');
    const overview = await screen.waitForFrame('─ Overview');
    expect(overview).toMatch(/❯ · Network\s+not started · 2 steps\s+\$73\.00\/mo\s+≈2 min/);
    expect(overview).toMatch(/· Peering\s+not started · 1 step\s+—\s+<1 min/);
    expect(overview).toContain('Once built: ≈$531.11 a month');
  });

  it('a step at work counts as running, not finished nor to go: the database\'s wait shows "1 running"', async () => {
    const db: PlannedStep[] = [
      { stepId: 'database.subnet-group', section: 'database', title: 'DB subnet group', action: 'create', preview: { summary: 'group', cli: [] } },
      { stepId: 'database.instance', section: 'database', title: 'RDS instance', action: 'create', preview: { summary: 'instance', cli: [], monthlyCostUsd: 337.68 } },
    ];
    const sections = [{ id: 'database' as const, title: 'Database', description: 'RDS', stepIds: db.map((s) => s.stepId), recorded: 'not-started' as const, available: true }];
    const controller = new FakeController({ sections, plans: { database: db } }).hangStep('database.instance');
    const screen = await renderScreen(<App controller={controller} start={{ screen: 'preview', sections: ['database'], stepMode: false }} onExit={vi.fn()} />);
    await screen.waitForFrame('[create] DB subnet group');
    await screen.press('y');
    const first = await screen.waitForFrame('working on RDS instance');
    expect(first).toMatch(/1 finished · 1 running · 0 to go · \d+s/);
    // The elapsed time keeps running while the wait does.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(screen.frame()).toMatch(/1 finished · 1 running · 0 to go · [1-9]\d*s/);
  });
});

describe('words of the user', () => {
  it('a section opened before the one it builds on says which to open first, in the assistant\'s terms', async () => {
    const { MissingPrerequisiteError } = await import('../../src/engine/prerequisites.js');
    const error = new MissingPrerequisiteError('peering.cyber-mvp', 'network.mvp.vpc', 'network');
    const controller = new FakeController({ sections: SECTIONS, plans: {}, planErrors: { peering: error } });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, { columns: 80, rows: 24 });
    await screen.waitForFrame('Enter overview');
    await screen.press('enter');
    await screen.press('2'); // the Overview's number keys open a section at once
    const frame = await screen.waitForFrame('comes first');
    expect(frame.replace(/\s+/g, ' ')).toContain('Network comes first: Peering needs what it builds (peering.cyber-mvp needs network.mvp.vpc). Go back and open Network on the Overview.');
    expect(frame).not.toMatch(/aws-runbook up/);
  });
});

describe('first-time setup in the assistant', () => {
  it('opening Hosts without the Stripe keys asks for them (masked) instead of refusing; Esc goes back and says why', async () => {
    const hosts = [{ stepId: 'hosts.shop', section: 'hosts' as const, title: 'The shop', action: 'create' as const, preview: { summary: 'shop', cli: [] } }];
    const sections = [{ id: 'hosts' as const, title: 'Hosts', description: 'SSH', stepIds: ['hosts.shop'], recorded: 'not-started' as const, available: true }];
    const controller = new FakeController({ sections, plans: { hosts }, stripeMissing: true });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, { columns: 80, rows: 24 });
    await screen.waitForFrame('Enter overview');
    await screen.press('enter');
    await screen.press('enter');
    await screen.waitForFrame('The shop needs its Stripe keys');
    await screen.press('escape');
    let frame = await screen.waitForFrame('─ Overview');
    expect(frame).toContain('The shop needs its Stripe keys: nothing was applied.');
    await screen.press('enter');
    await screen.waitForFrame('The shop needs its Stripe keys');
    await screen.type('pk_test_51Hq0aBcDeFgHiJkLmNoPq\r');
    await screen.type('sk_test_51Hq0aBcDeFgHiJkLmNoPqRsTu');
    frame = screen.frame();
    expect(frame).not.toContain('sk_test');
    await screen.press('q'); // a letter of the key here, not quit
    await screen.press('backspace');
    await screen.press('enter');
    await screen.waitForFrame('[create] The shop');
    expect(controller.calls.stripeKeys).toEqual([{ publishableKey: 'pk_test_51Hq0aBcDeFgHiJkLmNoPq', secretKey: 'sk_test_51Hq0aBcDeFgHiJkLmNoPqRsTu' }]);
  });
});
