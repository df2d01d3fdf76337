import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNoRefusedConnects, CLI } from '../helpers/cli.js';
import { labToolEnv, startLabRun, type LabRun } from './lab-run.js';
import { shopTestInput } from '../fixtures/shop/index.js';

let run: LabRun;
const shop = shopTestInput();
beforeAll(async () => {
  run = await startLabRun({ suffix: 'LabE2e', configYaml: shop.configYaml });
}, 120_000);
afterAll(async () => {
  await run?.stop();
});

describe('the whole runbook in the lab (tool in a namespace with no route out, real SSH to the lab hosts)', () => {
  it('up --yes builds the infrastructure, reads every host key from the consoles and logs in through the bastion', async () => {
    const result = await run.tool(['up', '--yes'], { env: shop.env });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const state = await run.state();
    for (const host of ['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'] as const) {
      const fingerprints = state.steps[`hosts.host-key.${host}`]?.outputs?.['fingerprints'] ?? '';
      // Exactly the lab host's own keys: what its sshd presents.
      for (const fp of run.lab.hosts[host].fingerprints) expect(fingerprints).toContain(fp.sha256);
      expect(state.steps[`hosts.login.${host}`]?.status).toBe('done');
    }
  }, 300_000);

  it('a second up changes nothing: every step is no-change and no mutating AWS call is made', async () => {
    await run.control('POST', 'reset-log');
    const result = await run.tool(['up', '--yes'], { env: shop.env });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const log = (await run.control('GET', 'log')) as { log: { mutating: boolean; action: string }[] };
    expect(log.log.filter((entry) => entry.mutating).map((entry) => entry.action)).toEqual([]);
  }, 120_000);

  it('a host presenting another key than its console printed is refused, loudly, before any command runs', async () => {
    // Another project in the same lab: its ecommerce instance's console shows the wordpress host's keys.
    const map = run.lab.labMap();
    const wordpressConsole = map.instances['compute.wordpress']?.consoleOutput ?? '';
    const ecommerce = map.instances['compute.ecommerce'];
    if (!ecommerce) throw new Error('the lab map has no ecommerce instance');
    await run.control('POST', 'lab', { ...map, instances: { ...map.instances, 'compute.ecommerce': { ...ecommerce, consoleOutput: wordpressConsole } } });
    const callsBefore = (await run.lab.calls('ecommerce')).length;
    try {
      const cwd = await run.newProject('LabSpoof');
      const result = await run.tool(['up', '--yes'], { cwd, env: shop.env });
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

  it('kill -9 in the middle of a host step, then up again: the run completes, each host as wanted', async () => {
    const cwd = await run.newProject('LabKill');
    const stateFile = join(cwd, '.aws-runbook', 'state.json');
    const child = run.lab.runInOperator(process.execPath, [CLI, 'up', '--yes', '--endpoint-url', run.endpoint], {
      cwd,
      env: labToolEnv(shop.env),
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
    expect(killed.signal).toBe('SIGKILL');
    assertNoRefusedConnects(String(killed.stderr));

    const resumed = await run.tool(['up', '--yes'], { cwd, env: shop.env });
    expect(resumed.code, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    expect(resumed.stdout).toContain('Resuming');
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { steps: Record<string, { status: string }> };
    const hostSteps = Object.entries(state.steps).filter(([id]) => id.startsWith('hosts.'));
    expect(hostSteps.length).toBeGreaterThan(10);
    expect(hostSteps.filter(([, step]) => step.status !== 'done')).toEqual([]);
    // A third run finds every host as wanted: nothing left to do.
    const again = await run.tool(['up', '--yes'], { cwd, env: shop.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/\[hosts\] ✓ \S+\s+(create|adopt)/);
  }, 240_000);
});
