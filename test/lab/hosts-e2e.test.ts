import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabRun, type LabRun } from './lab-run.js';

let run: LabRun;
beforeAll(async () => {
  run = await startLabRun({ suffix: 'LabE2e' });
}, 120_000);
afterAll(async () => {
  await run?.stop();
});

describe('the whole runbook in the lab (tool in a namespace with no route out, real SSH to the lab hosts)', () => {
  it('up --yes builds the infrastructure, reads every host key from the consoles and logs in through the bastion', async () => {
    const result = await run.tool(['up', '--yes']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const state = await run.state();
    for (const host of ['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'] as const) {
      const fingerprints = state.steps[`hosts.host-key.${host}`]?.outputs?.['fingerprints'] ?? '';
      // Exactly the lab host's own keys: what its sshd presents.
      for (const fp of run.lab.hosts[host].fingerprints) expect(fingerprints).toContain(fp.sha256);
      expect(state.steps[`hosts.login.${host}`]?.status).toBe('done');
    }
  }, 300_000);
});
