import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { App } from '../../src/screens/App.js';
import { FakeController } from './fake-controller.js';
import { SECTIONS } from './fixtures.js';
import { renderScreen } from './helpers/render-screen.js';

afterEach(() => cleanup());

const PASSWORD = 'Zx9-initial-root-Pw';
const ACCESS = {
  urls: [
    { label: 'shop', url: 'http://198.51.100.11:8000/' },
    { label: 'GitLab', url: 'http://198.51.100.10/', note: 'user root' },
  ],
  ssh: [
    { host: 'gitlab' as const, name: 'VM-GitLab-BFHK', command: 'ssh ubuntu@198.51.100.10' },
    { host: 'ia' as const, name: 'VM-IA-BFHK', command: 'ssh -J ubuntu@198.51.100.10 ubuntu@10.2.2.10' },
  ],
};
const HOSTS_DONE = SECTIONS.map((s) => (s.id === 'hosts' ? { ...s, stepIds: ['hosts.login.gitlab'], available: true, recorded: 'done' as const } : { ...s, recorded: 'done' as const }));

describe('the Summary after the hosts section', () => {
  it('lists URLs and SSH commands through the bastion; g shows the GitLab password, which is off the screen when the app exits', async () => {
    const controller = new FakeController({ sections: HOSTS_DONE, plans: {}, hostAccess: ACCESS, gitlabRootPassword: PASSWORD });
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} onExit={onExit} />);
    await screen.waitForFrame('123456789012');
    await screen.press('enter');
    await screen.waitForFrame('Overview');
    await screen.press('s');
    let frame = await screen.waitForFrame('press g to show the initial password');
    expect(frame).toContain('http://198.51.100.11:8000/');
    expect(frame).toContain('ssh -J ubuntu@198.51.100.10 ubuntu@10.2.2.10');
    expect(frame).not.toContain(PASSWORD);
    expect(controller.calls.reveal).toBe(0); // read only on request

    await screen.press('g');
    frame = await screen.waitForFrame(PASSWORD);
    expect(frame).toContain('stored nowhere');
    expect(controller.events.some((event) => JSON.stringify(event).includes(PASSWORD))).toBe(false);

    await screen.press('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    // The frame Ink leaves on the terminal no longer holds it.
    expect(screen.frame()).not.toContain(PASSWORD);
    expect(screen.frame()).toContain('GitLab root');
  });
});
