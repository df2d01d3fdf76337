import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { Text } from 'ink';
import { useRunView } from '../../src/screens/use-run-view.js';
import type { RunbookController } from '../../src/app/controller.js';
import { FakeController } from './fake-controller.js';
import { renderScreen } from './helpers/render-screen.js';
import { SECTIONS } from './fixtures.js';

afterEach(() => cleanup());

function ViewProbe({ controller }: { controller: RunbookController }) {
  const view = useRunView(controller, { batchMs: 30 });
  const status = view.steps['network.mvp.vpc'];
  return (
    <Text>
      status={status?.kind ?? 'none'} last={status?.kind === 'running' ? status.lastMessage : '-'} outcome=
      {view.outcome ?? '-'}
    </Text>
  );
}

describe('useRunView', () => {
  it('folds events with the reducer, batches progress bursts and unsubscribes on unmount', async () => {
    const controller = new FakeController({ sections: SECTIONS, plans: {} });
    const screen = await renderScreen(<ViewProbe controller={controller} />);
    expect(controller.listenerCount).toBe(1);
    const at = Date.now();
    controller.emit({ type: 'section-started', section: 'network', mode: 'up', at });
    controller.emit({ type: 'step-started', stepId: 'network.mvp.vpc', action: 'create', at });
    const before = screen.frameCount();
    // 20 progress lines, each on its own turn of the event loop, well within one 30 ms batch.
    for (let i = 1; i <= 20; i++) {
      controller.emit({ type: 'step-progress', stepId: 'network.mvp.vpc', message: `line ${i}`, at });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await screen.waitForFrame('last=line 20');
    expect(screen.frameCount() - before).toBeLessThan(5);

    controller.emit({ type: 'step-done', stepId: 'network.mvp.vpc', action: 'create', outputs: {}, at });
    controller.emit({ type: 'run-finished', outcome: 'ok', at });
    await screen.waitForFrame('status=done last=- outcome=ok');

    screen.unmount();
    expect(controller.listenerCount).toBe(0);
  });
});
