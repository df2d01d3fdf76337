import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { shopTestInput } from '../../fixtures/shop/index.js';
import { assertNoRefusedConnects, CLI } from '../../helpers/cli.js';
import { HOSTS, type GetJourney } from './journey.js';

/**
 * The whole runbook in the lab: the tool in a namespace with no route out, real SSH to the lab hosts. The
 * host-key and kill -9 cases run projects of their own (other suffixes) against the same lab hosts.
 */

/** On what the one up did. */
export function e2eAfterUp(j: GetJourney): void {
  it('up --yes built the infrastructure, read every host key from the consoles and logged in through the bastion', async () => {
    const { run } = j();
    const state = await run.state();
    for (const host of HOSTS) {
      const fingerprints = state.steps[`hosts.host-key.${host}`]?.outputs?.['fingerprints'] ?? '';
      // Exactly the lab host's own keys: what its sshd presents.
      for (const fp of run.lab.hosts[host].fingerprints) expect(fingerprints).toContain(fp.sha256);
      expect(state.steps[`hosts.login.${host}`]?.status).toBe('done');
    }
  });
}

/** On the one rerun (the gateway log was emptied just before it). */
export function e2eRerun(j: GetJourney): void {
  it('the rerun changed nothing on AWS: no mutating AWS call at all', () => {
    const { result, gatewayLog } = j().rerun();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(gatewayLog.filter((entry) => entry.mutating).map((entry) => entry.action)).toEqual([]);
  });
}

/** Its own project (after down: its up builds a backup role and association of its own), in a lab map changed for it and restored after. */
export function e2eHostKeySpoof(j: GetJourney): void {
  it('a host presenting another key than its console printed is refused, loudly, before any command runs', async () => {
    const { run, tool } = j();
    // Another project in the same lab: its ecommerce instance's console shows the wordpress host's keys.
    const map = run.lab.labMap();
    const wordpressConsole = map.instances['compute.wordpress']?.consoleOutput ?? '';
    const ecommerce = map.instances['compute.ecommerce'];
    if (!ecommerce) throw new Error('the lab map has no ecommerce instance');
    await run.control('POST', 'lab', { ...map, instances: { ...map.instances, 'compute.ecommerce': { ...ecommerce, consoleOutput: wordpressConsole } } });
    const callsBefore = (await run.lab.calls('ecommerce')).length;
    try {
      const cwd = await run.newProject('LabSpoof');
      const result = await tool(['up', '--yes'], { cwd });
      expect(result.code).toBe(1);
      const output = `${result.stdout}\n${result.stderr}`;
      expect(output).toMatch(/ecommerce[^\n]*host key|host key[^\n]*ecommerce/i);
      expect(output).toContain('HostKeyMismatchError');
      // It names the key the host presented (one of ecommerce's own) and refuses it.
      expect(run.lab.hosts.ecommerce.fingerprints.some((fp) => output.includes(`presented ${fp.sha256}`))).toBe(true);
      expect(await run.lab.calls('ecommerce')).toHaveLength(callsBefore); // nothing ran on the host
    } finally {
      await run.control('POST', 'lab', map);
    }
  }, 180_000);
}

/**
 * Its own project, whose shop source is the fixture FOLDER (shopTestInput()): the journey's own project
 * hands over the .tar.gz, so both kinds of source are installed in the lab.
 */
export function e2eKill(j: GetJourney): void {
  it('kill -9 in the middle of a host step, then up again: the run completes, each host as wanted', async () => {
    const { run, keys, tool, printed } = j();
    const cwd = await run.newProject('LabKill', shopTestInput().configYaml);
    const stateFile = join(cwd, '.aws-runbook', 'state.json');
    const child = run.lab.runInOperator(process.execPath, [CLI, 'up', '--yes', '--endpoint-url', run.endpoint], {
      cwd,
      env: run.toolEnv(keys),
      extendEnv: false,
      reject: false,
    });
    // Wait until a step of the hosts section past the first login is running (recorded before it acts).
    let killedIn: string | undefined;
    for (let i = 0; i < 1200 && !killedIn; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const state = await readFile(stateFile, 'utf8').then((text) => JSON.parse(text) as { steps: Record<string, { status: string }> }, () => undefined);
      killedIn = Object.entries(state?.steps ?? {}).find(([id, step]) => /^hosts\.(?!host-key|login)/.test(id) && step.status === 'running')?.[0];
    }
    expect(killedIn).toBeDefined();
    child.kill('SIGKILL');
    const killed = await child;
    printed.push(String(killed.stdout), String(killed.stderr));
    expect(killed.signal).toBe('SIGKILL');
    assertNoRefusedConnects(String(killed.stderr));

    const resumed = await tool(['up', '--yes'], { cwd });
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    expect(resumed.stdout).toContain('Resuming');
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { steps: Record<string, { status: string }> };
    const hostSteps = Object.entries(state.steps).filter(([id]) => id.startsWith('hosts.'));
    expect(hostSteps.length).toBeGreaterThan(10);
    expect(hostSteps.filter(([, step]) => step.status !== 'done')).toEqual([]);
    // A third run finds every host as wanted: nothing left to do.
    const again = await tool(['up', '--yes'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/\[hosts\] ✓ \S+\s+(create|adopt)/);
  }, 240_000);
}
