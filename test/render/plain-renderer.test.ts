import { describe, expect, it } from 'vitest';
import { createPlainRenderer, VERIFY_SUMMARY, verifyCommandLine } from '../../src/render/plain-renderer.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { PlannedStep } from '../../src/engine/types.js';

const T0 = 1_700_000_000_000;

const vpc: PlannedStep = {
  stepId: 'network.mvp.vpc',
  section: 'network',
  title: 'MVP VPC',
  action: 'create',
  preview: { summary: 'VPC-MVP-BFHK 10.1.0.0/16', cli: ['aws ec2 create-vpc --cidr-block 10.1.0.0/16'] },
};
const igw: PlannedStep = {
  stepId: 'network.mvp.igw',
  section: 'network',
  title: 'MVP IGW',
  action: 'adopt',
  preview: { summary: 'IGW-MVP-BFHK', cli: [] },
};
const rt: PlannedStep = {
  stepId: 'network.mvp.rt',
  section: 'network',
  title: 'MVP route table',
  action: 'conflict',
  reason: 'route 0.0.0.0/0 points at igw-other',
  preview: { summary: 'RT-MVP-BFHK', cli: [] },
};

const EVENTS: EngineEvent[] = [
  {
    type: 'identity',
    identity: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ops', region: 'us-east-2', endpoint: 'http://127.0.0.1:5000' },
  },
  { type: 'plan-started', sections: ['network'], at: T0 },
  { type: 'step-planned', step: vpc },
  { type: 'step-planned', step: igw },
  { type: 'step-planned', step: rt },
  { type: 'plan-finished', sections: ['network'], at: T0 + 300 },
  { type: 'section-started', section: 'network', mode: 'up', at: T0 + 500 },
  { type: 'step-started', stepId: 'network.mvp.vpc', action: 'create', at: T0 + 500 },
  { type: 'step-progress', stepId: 'network.mvp.vpc', message: 'waiting for vpc-123 to be available', at: T0 + 900 },
  { type: 'step-done', stepId: 'network.mvp.vpc', action: 'create', outputs: { vpcId: 'vpc-123', cidr: '10.1.0.0/16' }, at: T0 + 1700 },
  { type: 'step-started', stepId: 'network.mvp.igw', action: 'adopt', at: T0 + 1700 },
  {
    type: 'step-failed',
    stepId: 'network.mvp.igw',
    error: { kind: 'throttled', code: 'RequestLimitExceeded', message: 'Request limit exceeded.', hint: 'wait, then retry', retryable: true },
    at: T0 + 2000,
  },
  { type: 'step-skipped', stepId: 'network.mvp.rt', reason: 'needs network.mvp.igw', at: T0 + 2000 },
  { type: 'notice', level: 'warn', message: 'the seed adds the route to the wrong table; fixed', at: T0 + 2000 },
  { type: 'section-finished', section: 'network', outcome: 'failed', at: T0 + 2100 },
  { type: 'run-finished', outcome: 'failed', at: T0 + 12_300 },
];

function run(options: { verbose?: boolean; color?: boolean } = {}): string[] {
  const lines: string[] = [];
  const render = createPlainRenderer({ write: (line) => lines.push(line), ...options });
  for (const event of EVENTS) render(event);
  return lines;
}

describe('createPlainRenderer', () => {
  it('writes one stable line per meaningful event', () => {
    expect(run({ color: false })).toEqual([
      'AWS account 123456789012 (arn:aws:iam::123456789012:user/ops) region us-east-2 endpoint http://127.0.0.1:5000',
      '[network] ! network.mvp.rt  conflict: route 0.0.0.0/0 points at igw-other',
      'plan network: 1 create, 1 adopt, 0 no-change, 1 conflict',
      '▶ section network (up)',
      '[network] ✓ network.mvp.vpc  create  1.2s  vpcId=vpc-123 cidr=10.1.0.0/16',
      '[network] ✗ network.mvp.igw  throttled (RequestLimitExceeded): Request limit exceeded. — hint: wait, then retry',
      '[network] - network.mvp.rt  skipped: needs network.mvp.igw',
      'warning: the seed adds the route to the wrong table; fixed',
      '■ section network failed in 1.6s',
      'run failed in 12.3s',
    ]);
  });

  it('adds planned steps, step starts and progress lines with verbose', () => {
    const lines = run({ verbose: true });
    expect(lines).toContain('plan network');
    expect(lines).toContain('[network] plan network.mvp.vpc  create  VPC-MVP-BFHK 10.1.0.0/16');
    expect(lines).toContain('[network] ▸ network.mvp.vpc  create');
    expect(lines).toContain('[network]   network.mvp.vpc  waiting for vpc-123 to be available');
    expect(lines).toHaveLength(run().length + 6);
  });

  it('uses ANSI codes only when asked', () => {
    const ESC = '\u001B[';
    expect(run({ color: false }).some((line) => line.includes(ESC))).toBe(false);
    expect(run({ verbose: true }).some((line) => line.includes(ESC))).toBe(false);
    const colored = run({ color: true });
    expect(colored.some((line) => line.includes(`${ESC}32m✓`))).toBe(true);
    expect(colored.at(-1)).toBe(`run ${ESC}31mfailed${ESC}39m in 12.3s`);
  });

  it('measures each run from its own start and leaves out the endpoint when there is none', () => {
    const lines: string[] = [];
    const render = createPlainRenderer({ write: (line) => lines.push(line) });
    render({ type: 'identity', identity: { account: '1', arn: 'arn:x', region: 'eu-west-3' } });
    render({ type: 'section-started', section: 'storage', mode: 'down', at: 1000 });
    render({ type: 'step-done', stepId: 'storage.bucket', action: 'destroy', outputs: {}, at: 1400 });
    render({ type: 'section-finished', section: 'storage', outcome: 'ok', at: 1500 });
    render({ type: 'run-finished', outcome: 'ok', at: 2000 });
    render({ type: 'section-started', section: 'storage', mode: 'up', at: 5000 });
    render({ type: 'run-finished', outcome: 'aborted', at: 5500 });
    expect(lines).toEqual([
      'AWS account 1 (arn:x) region eu-west-3',
      '▶ section storage (down)',
      '[storage] ✓ storage.bucket  destroy  0.0s',
      '■ section storage ok in 0.5s',
      'run ok in 1.0s',
      '▶ section storage (up)',
      'run aborted in 0.5s',
    ]);
  });

  describe('after an up (suggestVerify set)', () => {
    const up = (action: 'create' | 'adopt' | 'no-change', outcome: 'ok' | 'failed' | 'aborted', suggestVerify: string | null = 'aws-runbook verify') => {
      const lines: string[] = [];
      const render = createPlainRenderer({ write: (line) => lines.push(line), ...(suggestVerify ? { suggestVerify } : {}) });
      render({ type: 'section-started', section: 'network', mode: 'up', at: 0 });
      render({ type: 'step-done', stepId: 'network.mvp.vpc', action, outputs: {}, at: 100 });
      render({ type: 'section-finished', section: 'network', outcome, at: 200 });
      render({ type: 'run-finished', outcome, at: 300 });
      return lines;
    };

    it('a run that built something and ended ok ends with the verify command and what it checks', () => {
      for (const action of ['create', 'adopt'] as const) {
        const lines = up(action, 'ok');
        expect(lines.slice(-2)).toEqual(['run ok in 0.3s', `next: aws-runbook verify — ${VERIFY_SUMMARY}`]);
      }
      expect(VERIFY_SUMMARY).toMatch(/network, security .*database, backups, hosts, apps, the ping matrix/);
    });

    it('no suggestion when nothing was built, when the run did not end ok, or when none is given (down, the sandbox)', () => {
      expect(up('no-change', 'ok').at(-1)).toBe('run ok in 0.3s');
      expect(up('create', 'failed').at(-1)).toBe('run failed in 0.3s');
      expect(up('create', 'aborted').at(-1)).toBe('run aborted in 0.3s');
      expect(up('create', 'ok', null).at(-1)).toBe('run ok in 0.3s');
    });

    it('a second run of the same renderer is judged on its own steps', () => {
      const lines: string[] = [];
      const render = createPlainRenderer({ write: (line) => lines.push(line), suggestVerify: 'aws-runbook verify' });
      render({ type: 'step-done', stepId: 'network.mvp.vpc', action: 'create', outputs: {}, at: 100 });
      render({ type: 'run-finished', outcome: 'ok', at: 300 });
      render({ type: 'step-done', stepId: 'network.mvp.vpc', action: 'no-change', outputs: {}, at: 400 });
      render({ type: 'run-finished', outcome: 'ok', at: 500 });
      expect(lines.filter((line) => line.startsWith('next: '))).toHaveLength(1);
      expect(lines.at(-1)).toMatch(/^run ok in /);
    });

    it('the command carries the flags that chose the target, quoted for a shell', () => {
      expect(verifyCommandLine()).toBe('aws-runbook verify');
      expect(verifyCommandLine({ region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:4566', profile: 'ops', config: 'my dir/aws-runbook.yaml', state: '.state' })).toBe(
        "aws-runbook verify --config 'my dir/aws-runbook.yaml' --state .state --profile ops --region eu-west-3 --endpoint-url http://127.0.0.1:4566",
      );
    });
  });
});
