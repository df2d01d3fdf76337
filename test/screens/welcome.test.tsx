import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { Welcome } from '../../src/screens/Welcome.js';
import { App } from '../../src/screens/App.js';
import { FakeController } from './fake-controller.js';
import { renderScreen } from './helpers/render-screen.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS, THROTTLED } from './fixtures.js';

afterEach(() => cleanup());

const plans = { network: NETWORK_PLAN, peering: PEERING_PLAN };

describe('Welcome', () => {
  it('shows the identity, the sandbox banner and the config file', async () => {
    const controller = new FakeController({
      sections: SECTIONS,
      plans,
      info: { sandbox: true, endpoint: 'http://127.0.0.1:45123' },
      identity: {
        account: '123456789012',
        arn: 'arn:aws:iam::123456789012:user/ops',
        region: 'us-east-2',
        endpoint: 'http://127.0.0.1:45123',
      },
    });
    const onOverview = vi.fn();
    const screen = await renderScreen(<Welcome controller={controller} onResume={vi.fn()} onOverview={onOverview} />);
    const frame = await screen.waitForFrame('123456789012');
    expect(frame).toContain('SANDBOX — nothing real is created');
    expect(frame).toContain('arn:aws:iam::123456789012:user/ops');
    expect(frame).toContain('region    us-east-2');
    expect(frame).toContain('endpoint  http://127.0.0.1:45123');
    expect(frame).toContain('config    /work/aws-runbook.yaml');
    expect(frame).not.toContain('The last');
    expect(controller.calls.loadIdentity).toBe(1);
    await screen.press('enter');
    expect(onOverview).toHaveBeenCalledTimes(1);
  });

  it('says when there is no config file and when the identity cannot be loaded', async () => {
    const controller = new FakeController({
      sections: SECTIONS,
      plans,
      info: { configFound: false },
      identityError: { kind: 'auth', code: 'ExpiredToken', message: 'The security token expired.', hint: 'log in again', retryable: false },
    });
    const screen = await renderScreen(<Welcome controller={controller} onResume={vi.fn()} onOverview={vi.fn()} />);
    const frame = await screen.waitForFrame('could not load');
    expect(frame).toContain('✗ could not load the AWS identity: auth (ExpiredToken): The security token expired.');
    expect(frame).toContain('hint: log in again');
    expect(frame).toContain('defaults (no aws-runbook.yaml)');
    expect(frame).not.toContain('SANDBOX');
  });

  it('offers to resume and Enter opens the preview of the interrupted section', async () => {
    const controller = new FakeController({
      sections: SECTIONS,
      plans,
      resume: {
        command: 'up',
        startedAt: '2025-01-02T03:04:05Z',
        stepId: 'network.mvp.igw',
        stepTitle: 'MVP internet gateway',
        pendingOperation: 'CreateInternetGateway (token awsrb-1234)',
        error: THROTTLED,
        outcome: 'failed',
      },
    });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />);
    const frame = await screen.waitForFrame('123456789012');
    expect(frame).toContain('The last `up` (started 2025-01-02T03:04:05Z) failed.');
    expect(frame).toContain('where: MVP internet gateway');
    expect(frame).toContain('why:   throttled (RequestLimitExceeded): Request limit exceeded.');
    expect(frame).toContain('hint:  wait a minute, then retry');
    expect(frame).toContain('pending operation: CreateInternetGateway (token awsrb-1234)');
    expect(frame).toMatch(/Enter resume\s+·\s+o overview/);
    await screen.press('enter');
    const preview = await screen.waitForFrame('[adopt] MVP internet gateway');
    expect(preview).toContain('Preview: Network');
    expect(controller.calls.plan).toEqual([['network']]);
  });
});
