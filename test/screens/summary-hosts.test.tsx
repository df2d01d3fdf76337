import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { App } from '../../src/screens/App.js';
import { FakeController } from './fake-controller.js';
import { SECTIONS } from './fixtures.js';
import { renderScreen } from './helpers/render-screen.js';

afterEach(() => cleanup());

const PASSWORD = 'Zx9-initial-root-Pw';
const SHOP_ADMIN = 'shop-admin-Pw-7f3a9c1e';
const CREDENTIALS = [
  { label: 'GitLab', user: 'root', where: 'gitlab:/etc/gitlab/initial_root_password', password: PASSWORD },
  { label: 'shop admin (Django superuser)', user: 'admin', where: 'ecommerce:/etc/aws-runbook/admin/shop.password', password: SHOP_ADMIN },
  { label: 'WordPress admin', user: 'admin', where: 'wordpress:/etc/aws-runbook/admin/wordpress.password' },
  { label: 'Uptime Kuma admin', user: 'admin', where: 'monitoring:/etc/aws-runbook/admin/uptime-kuma.password', error: 'reading it failed (exit code 1)' },
];
const ACCESS = {
  urls: [
    { label: 'shop', url: 'http://198.51.100.11:5085/' },
    { label: 'GitLab', url: 'http://198.51.100.10/', note: 'user root' },
  ],
  ssh: [
    { host: 'gitlab' as const, name: 'VM-GitLab-BFHK', command: 'ssh ubuntu@198.51.100.10' },
    { host: 'ia' as const, name: 'VM-IA-BFHK', command: 'ssh -J ubuntu@198.51.100.10 ubuntu@10.2.2.10' },
  ],
};
const HOSTS_DONE = SECTIONS.map((s) => (s.id === 'hosts' ? { ...s, stepIds: ['hosts.login.gitlab'], available: true, recorded: 'done' as const } : { ...s, recorded: 'done' as const }));

describe('the Summary after the hosts section', () => {
  it('lists URLs and SSH commands through the bastion; g shows the admin passwords, which are off the screen when the app exits', async () => {
    const controller = new FakeController({ sections: HOSTS_DONE, plans: {}, hostAccess: ACCESS, credentials: CREDENTIALS });
    const onExit = vi.fn();
    const screen = await renderScreen(<App controller={controller} onExit={onExit} />);
    await screen.waitForFrame('123456789012');
    await screen.press('enter');
    await screen.waitForFrame('Overview');
    await screen.press('s');
    let frame = await screen.waitForFrame('press g to show');
    expect(frame).toContain('http://198.51.100.11:5085/');
    expect(frame).toContain('ssh -J ubuntu@198.51.100.10 ubuntu@10.2.2.10');
    expect(frame).not.toContain(PASSWORD);
    expect(controller.calls.reveal).toBe(0); // read only on request

    await screen.press('g');
    frame = await screen.waitForFrame(PASSWORD);
    expect(frame).toContain(`admin / ${SHOP_ADMIN}`);
    expect(frame).toMatch(/WordPress admin\s+not created yet/);
    expect(frame).toMatch(/Uptime Kuma admin\s+reading it failed \(exit code 1\)/);
    expect(frame).toContain('never in the state or a log');
    expect(controller.events.some((event) => JSON.stringify(event).includes(PASSWORD) || JSON.stringify(event).includes(SHOP_ADMIN))).toBe(false);

    // q goes back to the Overview (the passwords leave the screen with the Summary); it leaves from there.
    await screen.press('q');
    await screen.waitForFrame('─ Overview');
    expect(screen.frame()).not.toContain(PASSWORD);
    await screen.press('s');
    await screen.press('g');
    await screen.waitForFrame(PASSWORD);
    // Ctrl-C leaves from anywhere: the passwords are taken off first.
    await screen.press('ctrl-c');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    // The frame Ink leaves on the terminal no longer holds it.
    expect(screen.frame()).not.toContain(PASSWORD);
    expect(screen.frame()).not.toContain(SHOP_ADMIN);
    expect(screen.frame()).toContain('admin accounts');
  });
});
