import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { ABSENT } from '../../../src/tasks/found.js';
import { iaPingStep, iaPingStepId } from '../../../src/tasks/hosts/ia-step.js';
import { KNOWN_INSTANCES, previewContext } from './docker-preview-context.js';

describe('the IA workstation step', () => {
  const step = iaPingStep(configSchema.parse({}));

  it('only checks ping, through the bastion', () => {
    expect(step.id).toBe(iaPingStepId());
    expect(step.needs).toEqual(['hosts.login.ia']);
    expect(step.preview(previewContext(KNOWN_INSTANCES), ABSENT).cli).toEqual([
      "ssh -J ubuntu@198.51.100.10 ubuntu@10.2.2.10 'command -v ping || sudo DEBIAN_FRONTEND=noninteractive apt-get install -y iputils-ping'",
    ]);
  });

  it('finds nothing before the first login', async () => {
    expect(await step.find(previewContext(KNOWN_INSTANCES))).toEqual(ABSENT);
  });
});
