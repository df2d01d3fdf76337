import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { ABSENT, present } from '../../../src/tasks/found.js';
import { DOCKER_HOSTS, dockerStep, dockerStepId, dockerSteps } from '../../../src/tasks/hosts/docker-step.js';
import { KNOWN_INSTANCES, previewContext } from './docker-preview-context.js';

describe('the Docker steps', () => {
  const config = configSchema.parse({});

  it('exist for the shop, WordPress and monitoring hosts, each after its login', () => {
    expect(DOCKER_HOSTS).toEqual(['ecommerce', 'wordpress', 'monitoring']);
    expect(dockerSteps(config).map((step) => [step.id, step.needs])).toEqual([
      ['hosts.docker.ecommerce', ['hosts.login.ecommerce']],
      ['hosts.docker.wordpress', ['hosts.login.wordpress']],
      ['hosts.docker.monitoring', ['hosts.login.monitoring']],
    ]);
    expect(dockerStepId('ecommerce')).toBe('hosts.docker.ecommerce');
  });

  it('previews the install, the service and the check through the bastion, with the seed slips', () => {
    const preview = dockerStep(config, 'ecommerce').preview(previewContext(KNOWN_INSTANCES), ABSENT);
    expect(preview.cli).toEqual([
      "ssh -J ubuntu@198.51.100.10 ubuntu@10.1.1.10 'sudo DEBIAN_FRONTEND=noninteractive apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io docker-compose-v2'",
      "ssh -J ubuntu@198.51.100.10 ubuntu@10.1.1.10 'sudo systemctl enable --now docker'",
      `ssh -J ubuntu@198.51.100.10 ubuntu@10.1.1.10 'sudo docker info --format '\\''{{.ServerVersion}}'\\'' && sudo docker compose version'`,
    ]);
    expect(preview.notes?.join('\n')).toMatch(/docker group/);
  });

  it('says what is there when find saw Docker', () => {
    const found = present({ dockerVersion: '24.0.7', composeVersion: '2.24.6' }, true);
    expect(dockerStep(config, 'monitoring').preview(previewContext(KNOWN_INSTANCES), found).summary).toContain('there now: Docker 24.0.7, Compose 2.24.6');
  });

  it('finds nothing before the host has been logged in to (no SSH during a first plan)', async () => {
    // previewContext has no hosts at all: a connect would throw.
    expect(await dockerStep(config, 'ecommerce').find(previewContext(KNOWN_INSTANCES))).toEqual(ABSENT);
  });
});
