import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, renderScreen } from './helpers/render-screen.js';
import { Boot } from '../../src/screens/Boot.js';
import { NoticeFeed, OPEN_FAILED, type SessionOpening } from '../../src/screens/boot-opening.js';
import type { RunbookController } from '../../src/app/controller.js';
import { FakeController } from './fake-controller.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

const IDENTITY = { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/ops', region: 'us-east-2' };

function controller(): FakeController {
  return new FakeController({ sections: SECTIONS, plans: { network: NETWORK_PLAN, peering: PEERING_PLAN }, identity: IDENTITY });
}

/** A session that opens when the test says so (or fails to). */
function opening(info: Partial<SessionOpening['info']> = {}) {
  let settle!: { resolve: (c: RunbookController) => void; reject: (e: unknown) => void };
  const ready = new Promise<RunbookController>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => undefined);
  const value: SessionOpening = {
    info: { project: 'bfhk', region: 'us-east-2', sandbox: false, configPath: '/work/aws-runbook.yaml', configFound: true, stateDir: '/work/.aws-runbook', ...info },
    doing: 'opening the session…',
    notices: new NoticeFeed(),
    open: () => ready,
  };
  return { value, ready, ...settle };
}

describe('Boot: the Welcome before the session is open', () => {
  it('draws the Welcome from the config alone, then the App on the session, its identity filled in', async () => {
    const boot = opening();
    const screen = await renderScreen(<Boot opening={boot.value} ready={boot.ready} onExit={vi.fn()} />);
    const first = await screen.waitForFrame('Welcome');
    expect(first).toMatch(/aws-runbook · bfhk · us-east-2/);
    expect(first).toContain('opening the session…');
    expect(first).toContain('config    /work/aws-runbook.yaml');
    expect(first).toContain('state     /work/.aws-runbook');
    expect(first).not.toContain('123456789012');
    boot.resolve(controller());
    const filled = await screen.waitForFrame('123456789012');
    expect(filled).toContain('Welcome');
    expect(filled).not.toContain('opening the session…');
  });

  it('a rehearsal names its state as a throwaway directory, and shows what the tool says as it opens', async () => {
    const boot = opening({ sandbox: true, stateDir: undefined });
    const screen = await renderScreen(<Boot opening={boot.value} ready={boot.ready} onExit={vi.fn()} />);
    await screen.waitForFrame('Welcome');
    expect(screen.frame()).toContain('SANDBOX — nothing real is created');
    expect(screen.frame()).toContain('a throwaway directory, made for this rehearsal');
    expect(screen.frame()).toContain('quit (discards the rehearsal)');
    boot.value.notices.push('moto started on 127.0.0.1');
    await screen.waitForFrame('moto started on 127.0.0.1');
  });

  // A line feed: Enter typed ahead, before the terminal was in raw mode.
  it.each([
    ['Enter', 'enter'],
    ['an Enter typed ahead (a line feed)', '\n'],
  ])('keeps the keys pressed while it opens and hands them to the App in order: %s opens the Overview', async (_, key) => {
    const boot = opening();
    const screen = await renderScreen(<Boot opening={boot.value} ready={boot.ready} onExit={vi.fn()} />);
    await screen.waitForFrame('Welcome');
    await screen.press(key);
    await screen.waitForFrame('1 key kept for when it is ready');
    expect(screen.frame()).toContain('Welcome');
    boot.resolve(controller());
    await screen.waitForFrame('─ Overview');
  });

  it('q and an interrupt leave before the session is open, with 0', async () => {
    for (const leave of ['q', 'interrupt'] as const) {
      const boot = opening();
      const onExit = vi.fn();
      const listeners = new Set<() => void>();
      const interrupts = (listener: () => void) => (listeners.add(listener), () => void listeners.delete(listener));
      const screen = await renderScreen(<Boot opening={boot.value} ready={boot.ready} onExit={onExit} interrupts={interrupts} />);
      await screen.waitForFrame('Welcome');
      if (leave === 'q') await screen.press('q');
      else [...listeners].forEach((listener) => listener());
      await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
      expect(onExit).toHaveBeenCalledTimes(1);
      cleanup();
    }
  });

  it('a session that cannot be opened takes the Welcome off and exits with OPEN_FAILED (the caller reports why)', async () => {
    const boot = opening();
    const onExit = vi.fn();
    const screen = await renderScreen(<Boot opening={boot.value} ready={boot.ready} onExit={onExit} />);
    await screen.waitForFrame('Welcome');
    boot.reject(new Error('moto is missing'));
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(OPEN_FAILED));
    await screen.waitForFrame((frame) => !frame.includes('Welcome'));
    expect(onExit).toHaveBeenCalledTimes(1);
  });
});
