import { afterEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { App } from '../../src/screens/App.js';
import { offlineTopology } from '../../src/tasks/topology/view.js';
import { FakeController } from './fake-controller.js';
import { SECTIONS } from './fixtures.js';
import { cleanup, renderScreen } from './helpers/render-screen.js';
import { SIZES, framesProblems } from './helpers/fit.js';

afterEach(() => cleanup());

const config = configSchema.parse({ suffix: 'BFHK' });
const recorded: Record<string, { status: string; outputs: Record<string, string> }> = {
  'network.cyber.vpc': { status: 'done', outputs: {} },
  'compute.gitlab': { status: 'done', outputs: { instanceId: 'i-1', privateIp: '10.3.1.10' } },
  'compute.gitlab.eip-association': { status: 'done', outputs: { publicIp: '198.51.100.10' } },
};
const TOPOLOGY = offlineTopology(config, { status: (id) => recorded[id]?.status, outputsOf: (id) => recorded[id]?.outputs }, { project: 'bfhk', region: 'us-east-2', why: 'AWS did not answer: test' });
const DONE = SECTIONS.map((s) => ({ ...s, recorded: 'done' as const }));

describe.each(SIZES)('the map of the topology in a terminal of $columns x $rows', (size) => {
  it('m on the Overview draws the VPCs, hosts and ping matrix within the frame; it scrolls; b goes back; so from the Summary', async () => {
    const controller = new FakeController({ sections: DONE, plans: {}, topology: TOPOLOGY });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, size);
    await screen.waitForFrame('Enter overview');
    await screen.press('o');
    const overview = await screen.waitForFrame('─ Overview');
    expect(overview).toMatch(/m map/);
    const from = screen.frames().length;
    await screen.press('m');
    const map = await screen.waitForFrame('VPC-MVP-BFHK 10.1.0.0/16');
    expect(map).toMatch(/^─ Map .*from the config and the state/m);
    expect(map).toContain('from the config and the state file (AWS did not answer: test)');
    // Down to the ping matrix, which the smaller terminal shows only once scrolled.
    for (let i = 0; i < 4; i++) await screen.press('pageDown');
    const end = screen.frame();
    expect(end).toMatch(/Cyber {2}ok {12}ok {12}·/);
    expect(end).toMatch(/VMCyber-Gitlab-BFHK\s+10\.3\.1\.10\s+198\.51\.100\.10/);
    expect(framesProblems(screen.frames().slice(from), size, { footer: /b\/Esc overview/ })).toEqual([]);
    expect(controller.calls.topology).toBe(1);

    // r reads it again (the view keeps its place).
    await screen.press('r');
    await vi.waitFor(() => expect(controller.calls.topology).toBe(2));
    await screen.waitForFrame(/Cyber {2}ok {12}ok {12}·/);
    await screen.press('b');
    await screen.waitForFrame('─ Overview');

    await screen.press('s');
    await screen.waitForFrame('─ Summary');
    await screen.press('m');
    await screen.waitForFrame('─ Map');
    await screen.press('escape');
    await screen.waitForFrame('─ Summary');
  });
});

describe('the map when the topology cannot be read', () => {
  it('says so in the frame and offers to read again', async () => {
    const controller = new FakeController({ sections: DONE, plans: {} });
    const screen = await renderScreen(<App controller={controller} onExit={vi.fn()} />, SIZES[0]);
    await screen.waitForFrame('Enter overview');
    await screen.press('o');
    await screen.waitForFrame('─ Overview');
    await screen.press('m');
    const frame = await screen.waitForFrame('The map could not be drawn: no topology in this fake');
    expect(frame).toMatch(/r read again/);
  });
});
