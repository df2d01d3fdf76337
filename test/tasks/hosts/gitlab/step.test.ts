import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../src/config/schema.js';
import { ABSENT } from '../../../../src/tasks/found.js';
import { gitlabExternalUrl, gitlabStep, gitlabStepId, safeGitlabLine } from '../../../../src/tasks/hosts/gitlab/step.js';
import { KNOWN_INSTANCES, previewContext } from '../docker-preview-context.js';

describe('the GitLab CE step', () => {
  const step = gitlabStep(configSchema.parse({}));

  it('runs on the bastion after its login, with its Elastic IP as EXTERNAL_URL', () => {
    expect(step.id).toBe(gitlabStepId());
    expect(step.needs).toEqual(['hosts.login.gitlab', 'compute.gitlab', 'compute.gitlab.eip-association']);
    expect(gitlabExternalUrl(previewContext(KNOWN_INSTANCES))).toBe('http://198.51.100.10');
    expect(() => gitlabExternalUrl(previewContext())).toThrow(/publicIp/);
    // The address the instance launched with is not GitLab's URL: it changes at each start.
    expect(() => gitlabExternalUrl(previewContext({ 'compute.gitlab': { instanceId: 'i-gitlab', publicIp: '203.0.113.99' } }))).toThrow(/publicIp/);
  });

  it('previews the repository, the install with EXTERNAL_URL and the readiness check, with the seed slips', () => {
    const preview = step.preview(previewContext(KNOWN_INSTANCES), ABSENT);
    const cli = preview.cli.join('\n');
    expect(cli).toContain('https://packages.gitlab.com/gpg.key');
    expect(cli).toContain('fingerprint must be F6403F6544A38863DAA0B6E03F01618A51312F3F');
    expect(cli).toContain('deb [signed-by=/etc/apt/keyrings/gitlab-keyring.asc] https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu/');
    expect(cli).toContain('sudo EXTERNAL_URL=http://198.51.100.10 DEBIAN_FRONTEND=noninteractive apt-get install -y gitlab-ce');
    expect(cli).toContain("ssh ubuntu@198.51.100.10 'curl -fsS http://localhost/-/readiness'");
    const notes = preview.notes?.join('\n') ?? '';
    expect(notes).toContain('script.deb.sh | sudo bash');
    expect(notes).toContain('18.217.232.200');
    expect(preview.summary).toContain('never stored');
  });

  it('keeps password lines out of the progress', () => {
    expect(safeGitlabLine('Password stored to /etc/gitlab/initial_root_password.')).toBeUndefined();
    expect(safeGitlabLine('Password: hunter2')).toBeUndefined();
    expect(safeGitlabLine('Recipe: gitlab::default')).toBe('Recipe: gitlab::default');
  });
});
