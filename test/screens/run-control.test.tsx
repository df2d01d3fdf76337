import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { App } from '../../src/screens/App.js';
import { SectionPreview } from '../../src/screens/SectionPreview.js';
import type { PlannedStep } from '../../src/engine/types.js';
import { FakeController } from './fake-controller.js';
import { renderScreen } from './helpers/render-screen.js';
import { NAT_PLAN_WITH_COST, NETWORK_PLAN, PEERING_PLAN, SECTIONS, THROTTLED } from './fixtures.js';

afterEach(() => cleanup());

const plans = { network: NETWORK_PLAN, peering: PEERING_PLAN };
const upNetwork = { screen: 'preview' as const, sections: ['network' as const], stepMode: false };

describe('failure, retry, abort, conflicts', () => {
  it('a failing step shows the Failure screen; r retries from it', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans }).failStep('network.mvp.igw', THROTTLED);
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />);
    await screen.waitForFrame('123456789012');
    await screen.press('enter');
    await screen.waitForFrame('next: Network');
    await screen.press('enter');
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    let frame = await screen.waitForFrame('retry (resumes from this step)');
    expect(frame).toContain('✗ MVP internet gateway (network.mvp.igw) failed');
    expect(frame).toMatch(/kind throttled\s+code RequestLimitExceeded/);
    expect(frame).toContain('why Request limit exceeded.');
    expect(frame).toContain('hint wait a minute, then retry');
    // In the assistant q goes back to the Overview (`up`'s Failure says how to resume: below).
    expect(frame).toContain('q overview');
    expect(controller.calls.apply).toHaveLength(1);

    await screen.press('r');
    frame = await screen.waitForFrame('next: Peering');
    expect(controller.calls.apply).toHaveLength(2);
    expect(frame).toMatch(/✓ Network\s+done/);
    expect(frame).toContain('✓ Network: 1 finished');
    // The retry resumed: the VPC was not started a second time.
    const vpcStarts = controller.events.filter((e) => e.type === 'step-started' && e.stepId === 'network.mvp.vpc');
    expect(vpcStarts).toHaveLength(1);
  });

  it('q during a run aborts, waits for the run to stop, then exits 130', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans, stepMs: 40 }).hangStep('network.mvp.vpc');
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    const frame = await screen.waitForFrame('working on MVP VPC');
    expect(frame).toMatch(/⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/);
    expect(frame).toMatch(/MVP VPC\s+create\s+\d+s\s+working on MVP VPC/);
    expect(controller.calls.abort).toBe(0);
    // q asks first; n (or Esc) goes on with the run.
    await screen.press('q');
    await screen.waitForFrame('Stop the run?');
    expect(controller.calls.abort).toBe(0);
    await screen.press('n');
    await screen.waitForFrame((f) => !f.includes('Stop the run?'));
    expect(controller.calls.abort).toBe(0);
    await screen.press('q');
    await screen.waitForFrame('Stop the run?');
    await screen.press('y');
    expect(controller.calls.abort).toBe(1);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(130));
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(controller.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'aborted' });
  });

  it('a second q exits at once when the run does not stop', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans }).hangStep('network.mvp.vpc');
    controller.abort = () => {
      controller.calls.abort += 1; // a run that takes its time to stop
    };
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('enter');
    await screen.waitForFrame('working on MVP VPC');
    await screen.press('q');
    await screen.waitForFrame('Stop the run?');
    await screen.press('q'); // q (or Ctrl-C) at the question: yes, stop
    await screen.waitForFrame('stopping: waiting for the calls in flight');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('ctrl-c');
    expect(onExit).toHaveBeenCalledWith(130);
    expect(controller.calls.abort).toBe(1);
  });

  it('a run stopped from elsewhere says so and where to resume; o goes to the overview', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans }).hangStep('network.mvp.igw');
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} onExit={onExit} />);
    await screen.waitForFrame('123456789012');
    await screen.press('enter');
    await screen.waitForFrame('next: Network');
    await screen.press('enter');
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    await screen.waitForFrame('working on MVP internet gateway');
    controller.abort(); // e.g. SIGTERM handled by the CLI
    const frame = await screen.waitForFrame('The run stopped');
    expect(frame).toContain('The state file records where; applying the section again resumes from there.');
    expect(frame).toMatch(/✓ MVP VPC\s+create/);
    expect(frame).toContain('1 finished · 0 running · 0 to go · 1 stopped');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('o');
    await screen.waitForFrame(/◐ Network\s+partial/);
    await screen.press('q');
    expect(onExit).toHaveBeenCalledWith(130);
  });

  it('a conflict blocks confirmation and shows why', async () => {
    const conflict: PlannedStep = {
      ...NETWORK_PLAN[0]!,
      action: 'conflict',
      reason: 'a VPC named VPC-MVP-BFHK exists with CIDR 10.9.0.0/16',
    };
    const controller = new FakeController({ sections: SECTIONS, plans: { network: [conflict, NETWORK_PLAN[1]!] } });
    const onConfirm = vi.fn();
    const screen = await renderScreen(
      <SectionPreview controller={controller} section="network" onConfirm={onConfirm} onBack={vi.fn()} />,
    );
    const frame = await screen.waitForFrame('Blocked');
    expect(frame).toContain('[conflict] MVP VPC');
    expect(frame).toContain('conflict: a VPC named VPC-MVP-BFHK exists with CIDR 10.9.0.0/16');
    expect(frame).toContain('Blocked: 1 conflict (MVP VPC)');
    expect(frame).not.toContain('y/Enter');
    await screen.press('y');
    await screen.press('enter');
    await screen.press('t');
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('shows the cost per step and the section total', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans: { network: NAT_PLAN_WITH_COST } });
    const onConfirm = vi.fn();
    const onBack = vi.fn();
    const screen = await renderScreen(
      <SectionPreview controller={controller} section="network" onConfirm={onConfirm} onBack={onBack} />,
    );
    const frame = await screen.waitForFrame('section total');
    // One row per step: action, title, cost; the selected step's id and details under it.
    expect(frame).toMatch(/❯ \[create\] MVP VPC\s+\$10.00\/month\n\s+network.mvp.vpc/);
    expect(frame).toMatch(/\[create\] MVP internet gateway\s+\$22.85\/month/);
    expect(frame).toContain('Preview: Network ─');
    expect(frame).toContain('2 steps · +$32.85/month');
    expect(frame).toContain('section total: +$32.85/month');
    await screen.press('t');
    expect(onConfirm).toHaveBeenCalledWith(NAT_PLAN_WITH_COST, true);
    await screen.press('b');
    expect(onBack).toHaveBeenCalledTimes(1);
  });
});

/** `up` of network and peering in a TTY, network confirmed: the peering preview on screen. */
async function upToPeeringPreview() {
  const controller = new FakeController({ sections: SECTIONS, plans });
  const onExit = vi.fn();
  const screen = await renderScreen(
    <App controller={controller} start={{ screen: 'preview', sections: ['network', 'peering'], stepMode: false }} onExit={onExit} />,
  );
  await screen.waitForFrame('[create] MVP VPC');
  await screen.press('y');
  await screen.waitForFrame('[create] Cyber to MVP peering');
  return { controller, onExit, screen };
}

describe('App started on preview (`aws-runbook up` in a TTY)', () => {
  it('previews and confirms each listed section in turn, then applies them all as one run and exits 0', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans });
    const onExit = vi.fn();
    const screen = await renderScreen(
      <App controller={controller} start={{ screen: 'preview', sections: ['network', 'peering'], stepMode: false }} onExit={onExit} />,
    );
    let frame = await screen.waitForFrame('[create] MVP VPC');
    expect(frame).toContain('y/Enter confirm, preview the next section');
    // `up` skips Welcome, so the preview says which account it would change.
    await screen.waitForFrame((f) => f.includes('bfhk · us-east-2 · account 123456789012\n─ Preview: Network'));
    await screen.press('y');
    frame = await screen.waitForFrame('[create] Cyber to MVP peering');
    // Nothing applied yet: the network section waits for the last confirmation.
    expect(controller.calls.apply).toHaveLength(0);
    expect(frame).toContain('confirmed so far: network');
    expect(frame).toContain('y/Enter apply all 2 sections');
    // The peering preview was planned with network counted as applied in the same run (no prerequisite error).
    expect(controller.calls.plan).toEqual([['network'], ['peering']]);
    expect(controller.calls.planAlongWith).toEqual([[], ['network']]);
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('y');
    // The run ends on the Summary, which offers the checklist; q exits 0.
    await screen.waitForFrame('v checklist');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    expect(controller.calls.apply).toEqual([{ sections: ['network', 'peering'], stepMode: false }]);
  });

  it('declining a later section applies nothing of the sections confirmed before it', async () => {
    const { controller, onExit, screen } = await upToPeeringPreview();
    await screen.press('b');
    expect(onExit).toHaveBeenCalledWith(1);
    expect(controller.calls.apply).toHaveLength(0);
  });

  it('t on one section asks step by step for that section only, in the combined run', async () => {
    const { controller, onExit, screen } = await upToPeeringPreview();
    await screen.press('t');
    const peeringSteps = (plans.peering ?? []).map((s) => s.stepId);
    for (let i = 0; i < peeringSteps.length; i++) {
      await vi.waitFor(() => expect(controller.calls.confirmed).toHaveLength(i + 1));
      // The question on the screen (and its keys subscribed) before the answer: a key sent sooner is lost.
      await screen.waitForFrame(`apply ${plans.peering?.[i]?.title}? y/n`);
      await screen.press('y');
    }
    // The run ends on the Summary, which offers the checklist; q exits 0.
    await screen.waitForFrame('v checklist');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    expect(controller.calls.apply).toEqual([{ sections: ['network', 'peering'], stepMode: true }]);
    expect(controller.calls.confirmed).toEqual(peeringSteps);
  });

  it('exits 1 after a failed run', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans }).failStep('network.mvp.vpc', THROTTLED);
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    const frame = await screen.waitForFrame('retry (resumes from this step)');
    expect(frame).toContain('q quit — `aws-runbook up` resumes later');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('q');
    expect(onExit).toHaveBeenCalledWith(1);
  });

  it('--step starts in step-by-step mode; declining with Esc applies nothing and exits 1', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans });
    const onExit = vi.fn();
    const screen = await renderScreen(
      <App controller={controller} start={{ ...upNetwork, stepMode: true }} onExit={onExit} />,
    );
    const frame = await screen.waitForFrame('[create] MVP VPC');
    expect(frame).toContain('y/Enter apply step by step');
    expect(frame).toContain('b/Esc decline (nothing is applied)');
    await screen.press('escape');
    expect(onExit).toHaveBeenCalledWith(1);
    expect(controller.calls.apply).toHaveLength(0);
  });
});
