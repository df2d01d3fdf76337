import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { Progress } from '../../src/screens/Progress.js';
import { initialRunView, runReducer } from '../../src/engine/reducer.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { PlannedStep } from '../../src/engine/types.js';
import { renderScreen } from './helpers/render-screen.js';

afterEach(() => cleanup());

const step = (stepId: string, host: PlannedStep['host'], title: string): PlannedStep => ({
  stepId,
  section: 'hosts',
  host,
  title,
  action: 'create',
  preview: { summary: title, cli: [] },
});

const PLAN = [
  step('hosts.login.gitlab', 'gitlab', 'SSH login to the bastion'),
  step('hosts.gitlab', 'gitlab', 'GitLab CE'),
  step('hosts.docker.ecommerce', 'ecommerce', 'Docker on the shop host'),
  step('hosts.shop', 'ecommerce', 'The shop'),
];

describe('Progress of the hosts section', () => {
  it('shows per-host progress and the last lines a running remote step printed', async () => {
    const events: EngineEvent[] = [
      ...PLAN.map((planned) => ({ type: 'step-planned' as const, step: planned })),
      { type: 'step-started', stepId: 'hosts.login.gitlab', action: 'create', at: 0 },
      { type: 'step-done', stepId: 'hosts.login.gitlab', action: 'create', outputs: {}, at: 1 },
      { type: 'step-started', stepId: 'hosts.docker.ecommerce', action: 'create', at: 2 },
      ...['Reading package lists...', 'Unpacking docker.io (24.0.7)', 'Setting up containerd', 'Setting up docker.io'].map((message, i) => ({
        type: 'step-progress' as const,
        stepId: 'hosts.docker.ecommerce',
        message,
        at: 3 + i,
      })),
    ];
    const view = events.reduce(runReducer, initialRunView);
    const info = { project: 'bfhk', configPath: 'x', configFound: true, stateDir: 'y', region: 'us-east-2', sandbox: false };
    const screen = await renderScreen(
      <Progress info={info} view={view} sections={['hosts']} plan={PLAN} log={[{ key: '1:hosts.login.gitlab', run: 1, stepId: 'hosts.login.gitlab', title: 'SSH login to the bastion', status: view.steps['hosts.login.gitlab']! }]} run={1} stopping={false} onAnswer={vi.fn()} onOverview={vi.fn()} />,
    );
    const frame = await screen.waitForFrame('Docker on the shop host');
    expect(frame).toMatch(/hosts gitlab 1\/2 · ecommerce 0\/2/);
    // The last three lines of the remote output, the oldest dropped.
    expect(frame).toContain('│ Unpacking docker.io (24.0.7)');
    expect(frame).toContain('│ Setting up docker.io');
    expect(frame).not.toContain('Reading package lists');
  });
});
