import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
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
    expect(frame).toContain('$ aws ec2 attach-internet-gateway --vpc-id $VPC_ID');
    expect(frame).toContain('note: the seed forgets DNS hostnames');
    expect(frame).toMatch(/y\/Enter apply\s+·\s+t step by step\s+·\s+b\/Esc back\s+·\s+q quit/);

    await screen.press('y');
    frame = await screen.waitForFrame('next: Peering');
    show('overview after network', frame);
    expect(frame).toMatch(/✓ Network\s+done/);
    expect(frame).toMatch(/✓ MVP VPC\s+create\s+\d+\.\ds\s+vpcId=vpc-0abc/);
    expect(frame).toMatch(/✓ MVP internet gateway\s+adopt\s+\d+\.\ds\s+igwId=igw-0def/);
    expect(controller.calls.apply).toEqual([{ sections: ['network'], stepMode: false }]);

    // The cursor starts on the next section to do.
    expect(frame).toMatch(/❯ · Peering/);
    await screen.press('enter');
    frame = await screen.waitForFrame('section total');
    show('peering preview', frame);
    expect(frame).toContain('section total: +$32.85/month');

    await screen.press('enter');
    frame = await screen.waitForFrame('total elapsed');
    show('summary', frame);
    expect(frame).toContain('Summary');
    expect(frame).toMatch(/MVP VPC\s+create\s+vpcId=vpc-0abc/);
    expect(frame).toMatch(/Cyber to MVP peering\s+create\s+id=peering.cyber-mvp-id/);
    expect(frame).toContain('aws-runbook status');
    expect(frame).toContain('aws-runbook down');
    expect(controller.calls.apply).toHaveLength(2);

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
    await screen.press('n');
    frame = await screen.waitForFrame('next: Peering');
    expect(frame).toContain('- MVP internet gateway skipped: declined');
    expect(controller.calls.apply).toEqual([{ sections: ['network'], stepMode: true }]);
    const started = controller.events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
    expect(started).toEqual(['network.mvp.vpc']);
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
