import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { App, type InterruptSource } from '../../src/screens/App.js';
import { signalInterrupts } from '../../src/cli/signals.js';
import { FakeController } from './fake-controller.js';
import { renderScreen } from './helpers/render-screen.js';
import { NETWORK_PLAN, PEERING_PLAN, SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

const plans = { network: NETWORK_PLAN, peering: PEERING_PLAN };
const upNetwork = { screen: 'preview' as const, sections: ['network' as const], stepMode: false };

/** An interrupt source the test fires by hand, counting its subscribers. */
function manualInterrupts(): { source: InterruptSource; fire: () => void; subscribers: () => number } {
  const listeners = new Set<() => void>();
  return {
    source: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: () => [...listeners].forEach((listener) => listener()),
    subscribers: () => listeners.size,
  };
}

/**
 * The CLI's source (process signals through src/cli/signals.ts), counting its subscribers: a real signal is
 * only sent once the App has subscribed (else it would end this test process instead of failing the test).
 */
function processSignals(): { source: InterruptSource; subscribers: () => number } {
  let count = 0;
  return {
    source: (listener) => {
      count += 1;
      const off = signalInterrupts(listener);
      return () => {
        count -= 1;
        off();
      };
    },
    subscribers: () => count,
  };
}

/** Sends a real signal to this process and lets Node deliver it (asynchronously, like a `kill`). */
async function signal(name: 'SIGTERM' | 'SIGHUP' | 'SIGINT'): Promise<void> {
  process.kill(process.pid, name);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('signals reach the assistant the way the Ctrl-C key does', () => {
  it('SIGTERM during a run (process signals, as the CLI routes them): the run is aborted, stops, and the App exits 130', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans, stepMs: 40 }).hangStep('network.mvp.vpc');
    const onExit = vi.fn();
    const signals = processSignals();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} interrupts={signals.source} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('y');
    await screen.waitForFrame('working on MVP VPC');
    expect(controller.calls.abort).toBe(0);
    expect(signals.subscribers()).toBe(1);
    await signal('SIGTERM');
    expect(controller.calls.abort).toBe(1);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(130));
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(controller.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'aborted' });
  });

  it('a second signal while the run is still stopping exits at once with 130 (abort asked once)', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans }).hangStep('network.mvp.vpc');
    controller.abort = () => {
      controller.calls.abort += 1; // a run that takes its time to stop
    };
    const onExit = vi.fn();
    const signals = processSignals();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} interrupts={signals.source} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('enter');
    await screen.waitForFrame('working on MVP VPC');
    expect(signals.subscribers()).toBe(1);
    await signal('SIGHUP');
    await screen.waitForFrame('stopping: waiting for the calls in flight');
    expect(controller.calls.abort).toBe(1);
    expect(onExit).not.toHaveBeenCalled();
    await signal('SIGTERM');
    expect(onExit).toHaveBeenCalledWith(130);
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(controller.calls.abort).toBe(1);
  });

  it('an interrupt mixes with the keys: one signal then Ctrl-C is two interrupts', async () => {
    const interrupts = manualInterrupts();
    const controller = new FakeController({ sections: SECTIONS, plans }).hangStep('network.mvp.vpc');
    controller.abort = () => {
      controller.calls.abort += 1;
    };
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} interrupts={interrupts.source} />);
    await screen.waitForFrame('[create] MVP VPC');
    await screen.press('enter');
    await screen.waitForFrame('working on MVP VPC');
    interrupts.fire();
    await screen.waitForFrame('stopping: waiting for the calls in flight');
    expect(onExit).not.toHaveBeenCalled();
    await screen.press('ctrl-c');
    expect(onExit).toHaveBeenCalledWith(130);
    expect(controller.calls.abort).toBe(1);
  });

  it('with no run in flight an interrupt leaves like q (a declined preview: 1); the App unsubscribes when it unmounts', async () => {
    const interrupts = manualInterrupts();
    const controller = new FakeController({ sections: SECTIONS, plans });
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} start={upNetwork} onExit={onExit} interrupts={interrupts.source} />);
    await screen.waitForFrame('[create] MVP VPC');
    expect(interrupts.subscribers()).toBe(1);
    interrupts.fire();
    expect(onExit).toHaveBeenCalledWith(1);
    expect(controller.calls.apply).toHaveLength(0);
    expect(controller.calls.abort).toBe(0);
    screen.unmount();
    expect(interrupts.subscribers()).toBe(0);
  });
});
