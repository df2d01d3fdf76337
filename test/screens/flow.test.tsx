import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { App } from '../../src/screens/App.js';
import { FakeController } from './fake-controller.js';
import { renderScreen } from './helpers/render-screen.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

const DEBUG = process.env.SHOW_FRAMES === '1';
const show = (label: string, frame: string) => {
  if (DEBUG) console.log(`----- ${label}\n${frame}`);
};

function controllerFor() {
  return new FakeController({
    sections: SECTIONS,
    plans: { network: NETWORK_PLAN, peering: PEERING_PLAN },
    outputs: { 'network.mvp.vpc': { vpcId: 'vpc-0abc' }, 'network.mvp.igw': { igwId: 'igw-0def' } },
  });
}

describe('the guided flow, keys only', () => {
  it('goes Welcome → Overview → preview → apply → Overview ✓ → … → Summary', async () => {
    const controller = controllerFor();
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} onExit={onExit} />);
    show('welcome', await screen.waitForFrame('123456789012'));
    await screen.press('enter');

    let frame = await screen.waitForFrame('next: Network');
    show('overview', frame);
    expect(frame).toMatch(/❯ · Network\s+not started · 2 steps/);
    expect(frame).toMatch(/Hosts\s+coming later/);

    await screen.press('enter');
    frame = await screen.waitForFrame('$ aws ec2 create-vpc --cidr-block 10.1.0.0/16');
    show('preview', frame);
    expect(frame).toContain('[create] MVP VPC');
    expect(frame).toContain('[adopt] MVP internet gateway');
    expect(frame).toContain('note: the runbook forgets DNS hostnames');
    expect(frame).toMatch(/y\/Enter apply\s+·\s+t step by step\s+·\s+d details\s+·\s+b\/Esc back\s+·\s+\? keys\s+·\s+q overview/);
    // One row per step: the details (CLI lines, notes) are those of the selected step; ↓ selects the next.
    expect(frame).not.toContain('$ aws ec2 attach-internet-gateway --vpc-id $VPC_ID');
    await screen.press('down');
    frame = await screen.waitForFrame('$ aws ec2 attach-internet-gateway --vpc-id $VPC_ID');
    expect(frame).toMatch(/❯ \[adopt\] MVP internet gateway/);
    expect(frame).not.toContain('note: the runbook forgets DNS hostnames');

    await screen.press('y');
    frame = await screen.waitForFrame('next: Peering');
    show('overview after network', frame);
    expect(frame).toMatch(/✓ Network\s+done/);
    expect(frame).toContain('✓ Network: 2 finished');
    expect(controller.calls.apply).toEqual([{ sections: ['network'], stepMode: false }]);

    // The cursor starts on the next section to do.
    expect(frame).toMatch(/❯ · Peering/);
    await screen.press('enter');
    frame = await screen.waitForFrame('section total');
    show('peering preview', frame);
    expect(frame).toContain('section total: +$32.85/month');

    await screen.press('enter');
    frame = await screen.waitForFrame('total elapsed');
    // The runs' log (the earlier run's lines scroll back above the current one's) shows each finished step with its time and ids.
    const log = screen.frames().find((f) => /Applying peering/.test(f) && /igwId=igw-0def/.test(f)) ?? '';
    expect(log).toMatch(/✓ MVP VPC\s+create\s+\d+\.\ds\s+vpcId=vpc-0abc/);
    expect(log).toMatch(/✓ MVP internet gateway\s+adopt\s+\d+\.\ds\s+igwId=igw-0def/);
    show('summary', frame);
    expect(frame).toContain('Summary');
    expect(frame).toContain('aws-runbook status');
    expect(frame).toContain('aws-runbook down');
    // The step log is folded to a row per section; l unfolds it with the ids.
    expect(frame).toMatch(/✓ Network\s+done · 2 created or adopted this session/);
    expect(frame).not.toContain('vpcId=vpc-0abc');
    await screen.press('l');
    frame = await screen.waitForFrame('vpcId=vpc-0abc');
    expect(frame).toMatch(/MVP VPC\s+create\s+vpcId=vpc-0abc/);
    expect(frame).toMatch(/Cyber to MVP peering\s+create\s+id=peering.cyber-mvp-id/);
    expect(controller.calls.apply).toHaveLength(2);

    // q goes back to the Overview, and leaves from there.
    await screen.press('q');
    await screen.waitForFrame('─ Overview');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('q');
    expect(onExit).toHaveBeenCalledWith(0);
  });

  it('step-by-step mode asks before each step', async () => {
    const controller = controllerFor();
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />);
    await screen.waitForFrame('123456789012');
    await screen.press('o');
    await screen.waitForFrame('next: Network');
    await screen.press('enter');
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('t');
    let frame = await screen.waitForFrame('apply MVP VPC? y/n');
    show('prompt', frame);
    expect(controller.events.some((e) => e.type === 'step-started')).toBe(false);
    await screen.press('y');
    frame = await screen.waitForFrame('apply MVP internet gateway? y/n');
    expect(frame).toMatch(/✓ MVP VPC/);
    expect(frame).toContain('1 finished · 0 running · 1 to go');
    await screen.press('n');
    frame = await screen.waitForFrame('next: Peering');
    // The declined step stays in the runs' log, which the next run shows above its own lines.
    await screen.press('enter');
    await screen.waitForFrame('[create] Cyber to MVP peering');
    await screen.press('y');
    await screen.waitForFrame('total elapsed');
    expect(screen.frames().some((f) => /Applying peering/.test(f) && f.includes('- MVP internet gateway skipped: declined'))).toBe(true);
    expect(controller.calls.apply).toEqual([{ sections: ['network'], stepMode: true }, { sections: ['peering'], stepMode: false }]);
    const started = controller.events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
    expect(started).toEqual(['network.mvp.vpc', 'peering.cyber-mvp']);
  });

  it('b and Esc go back from a preview, and unavailable sections do not open', async () => {
    const controller = controllerFor();
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />);
    await screen.waitForFrame('123456789012');
    await screen.press('enter');
    await screen.waitForFrame('next: Network');
    await screen.press('enter');
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('escape');
    await screen.waitForFrame('next: Network');
    await screen.press('down');
    await screen.press('down');
    await screen.press('enter');
    const frame = await screen.waitForFrame('coming later: this version has no steps');
    expect(frame).toContain('Hosts is coming later');
    expect(controller.calls.plan).toEqual([['network']]);
  });
});
