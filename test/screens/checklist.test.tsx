import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { App } from '../../src/screens/App.js';
import type { CheckOutcome } from '../../src/tasks/checks/types.js';
import { FakeController } from './fake-controller.js';
import { renderScreen } from './helpers/render-screen.js';
import { NETWORK_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

const check = (id: string, group: CheckOutcome['group'], title: string, result: Partial<CheckOutcome> = {}): CheckOutcome => ({
  id,
  group,
  title,
  required: true,
  status: 'pass',
  evidence: `${title}: seen`,
  elapsedMs: 3,
  ...result,
});

const CHECKS: CheckOutcome[] = [
  check('network.vpcs', 'network', 'The three VPCs with their CIDRs', { evidence: 'vpc-1 10.1.0.0/16, vpc-2 10.2.0.0/16, vpc-3 10.3.0.0/16' }),
  check('security.ec2-19.no-open-admin-ports', 'security', 'EC2.19 no 0.0.0.0/0 to 22 or 3306', {
    status: 'fail',
    evidence: 'SG-Web-BFHK (sg-0abc) allows 22 from 0.0.0.0/0',
    hint: 'aws ec2 revoke-security-group-ingress --group-id sg-0abc --protocol tcp --port 22 --cidr 0.0.0.0/0',
    details: ['rule: tcp 22 from 0.0.0.0/0'],
  }),
  check('storage.bucket.lifecycle', 'storage', 'S3 lifecycle rule for the dumps', { status: 'warn', evidence: 'rule changed by hand', hint: 'run aws-runbook up --only storage' }),
  check('hosts.ssh.gitlab', 'hosts', 'GitLab reachable over SSH', { status: 'skip', evidence: 'the hosts cannot be reached in this run' }),
];

async function openChecklist(controller: FakeController) {
  const onExit = vi.fn();
  const screen = await renderScreen(<App controller={controller} onExit={onExit} />);
  await screen.waitForFrame('123456789012');
  await screen.press('enter');
  await screen.waitForFrame('v checklist');
  await screen.press('v');
  return { screen, onExit };
}

describe('Checklist screen', () => {
  it('runs every check from the overview, grouped, live, with ✓ ✗ ! – and the fix of a failure', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans: {}, checks: CHECKS, checkMs: 60 });
    const { screen } = await openChecklist(controller);
    const live = await screen.waitForFrame('checking…');
    expect(live).toMatch(/checking… [0-3]\/4/);
    const frame = await screen.waitForFrame('1 passed, 1 failed, 1 warning, 1 skipped');
    expect(controller.calls.verify).toEqual([{}]);
    expect(frame).toContain('required checks failed');
    // Groups in checklist order.
    const order = ['Network', 'Security', 'Storage and backups', 'Hosts'].map((g) => frame.indexOf(g));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? 0)))).toBe(true);
    expect(frame).toMatch(/✓ The three VPCs with their CIDRs/);
    expect(frame).toMatch(/✗ EC2.19 no 0.0.0.0\/0 to 22 or 3306/);
    expect(frame).toMatch(/! S3 lifecycle rule for the dumps/);
    expect(frame).toMatch(/– GitLab reachable over SSH/);
    // A failure shows its evidence and fix without being selected; a pass shows its evidence only on Enter.
    expect(frame).toContain('SG-Web-BFHK (sg-0abc) allows 22 from 0.0.0.0/0');
    expect(frame).toContain('fix: aws ec2 revoke-security-group-ingress --group-id sg-0abc');
    expect(frame).not.toContain('vpc-1 10.1.0.0/16');
  });

  it('Enter shows the selected check\'s evidence; r reruns that check only; a reruns all; b goes back', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans: {}, checks: CHECKS });
    const { screen } = await openChecklist(controller);
    await screen.waitForFrame('1 passed, 1 failed');
    await screen.press('enter');
    let frame = await screen.waitForFrame('vpc-1 10.1.0.0/16');
    expect(frame).toContain('network.vpcs');

    // The operator fixes the rule, selects the failed check and reruns it: only that check runs again.
    controller.setCheck('security.ec2-19.no-open-admin-ports', { status: 'pass', evidence: 'no 0.0.0.0/0 rule to 22 or 3306', hint: undefined, details: undefined });
    await screen.press('down');
    await screen.press('r');
    frame = await screen.waitForFrame('2 passed, 0 failed, 1 warning, 1 skipped');
    expect(controller.calls.verify).toEqual([{}, { ids: ['security.ec2-19.no-open-admin-ports'] }]);
    expect(frame).toContain('every required check holds');
    expect(frame).toMatch(/✓ EC2.19/);
    // The other checks kept their results.
    expect(frame).toMatch(/! S3 lifecycle rule for the dumps/);

    await screen.press('a');
    await vi.waitFor(() => expect(controller.calls.verify).toHaveLength(3));
    expect(controller.calls.verify[2]).toEqual({});
    await screen.waitForFrame('2 passed, 0 failed');
    await screen.press('b');
    await screen.waitForFrame('next:');
  });

  it('b while checks run stops them and goes back; the unfinished ones show as skipped, a reruns them', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans: {}, checks: CHECKS, checkMs: 400 });
    const { screen } = await openChecklist(controller);
    const running = await screen.waitForFrame('checking…');
    expect(running).toContain('b stop, overview');
    await screen.press('b');
    await screen.waitForFrame('next:');
    expect(controller.calls.stopVerify).toBe(1);
    expect(controller.calls.abort).toBe(0);
    await screen.press('v');
    const frame = await screen.waitForFrame(/passed, \d+ failed/);
    // The first check was cut short, the rest never started: all four skipped, none counted as passed.
    expect(frame).toContain('0 passed, 0 failed, 0 warnings, 4 skipped');
    expect(controller.calls.verify).toEqual([{}]);
    await screen.press('a');
    await screen.waitForFrame('1 passed, 1 failed, 1 warning, 1 skipped');
    expect(controller.calls.verify).toEqual([{}, {}]);
  });

  it('is offered at the end of `up`: the Summary\'s v opens it', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans: { network: NETWORK_PLAN }, checks: CHECKS });
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} start={{ screen: 'preview', sections: ['network'], stepMode: false }} onExit={onExit} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    await screen.waitForFrame('the checklist: does everything hold?');
    await screen.press('v');
    await screen.waitForFrame('1 passed, 1 failed');
    await screen.press('b');
    await screen.waitForFrame('Summary');
    await screen.press('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
  });
});
