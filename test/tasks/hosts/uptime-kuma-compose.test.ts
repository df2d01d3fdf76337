import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  KUMA_COMPOSE_FILE,
  KUMA_PROBE,
  kumaAnswerProblem,
  kumaComposeFile,
  kumaComposeSha256,
  kumaUnfinished,
  parseKumaFacts,
} from '../../../src/tasks/hosts/uptime-kuma-compose.js';
import { uptimeKumaStep } from '../../../src/tasks/hosts/uptime-kuma-step.js';
import { configSchema } from '../../../src/config/schema.js';
import { ABSENT } from '../../../src/tasks/found.js';
import { KNOWN_INSTANCES, previewContext } from './docker-preview-context.js';
import { stubShell, type StubShell } from './shell-stubs.js';

const OK = { status: 200, body: '{"type":"entryPage","entryPage":"dashboard"}' };

describe('the Uptime Kuma compose file', () => {
  it("runs the image with the seed volume, port 3001 on the host's loopback only and restart unless-stopped", () => {
    const doc = YAML.parse(kumaComposeFile()) as { name: string; services: Record<string, Record<string, unknown>>; volumes: Record<string, { name: string }> };
    expect(doc.name).toBe('uptime-kuma');
    expect(doc.services['uptime-kuma']).toEqual({
      image: 'louislam/uptime-kuma:1',
      container_name: 'uptime-kuma',
      restart: 'unless-stopped',
      ports: ['127.0.0.1:3001:3001'],
      volumes: ['uptime-kuma:/app/data'],
    });
    // Named as the seed's `docker volume create uptime-kuma`, not prefixed with the project.
    expect(doc.volumes['uptime-kuma']).toEqual({ name: 'uptime-kuma' });
  });
});

describe('Uptime Kuma checks', () => {
  it("accepts only Kuma's JSON from /api/entry-page", () => {
    expect(kumaAnswerProblem(OK)).toBeUndefined();
    expect(kumaAnswerProblem({ status: 200, body: 'hello' })).toMatch(/not JSON/);
    expect(kumaAnswerProblem({ status: 200, body: '{"a":1}' })).toMatch(/no "type"/);
    expect(kumaAnswerProblem({ status: 502, body: '' })).toBe('HTTP 502');
    expect(kumaAnswerProblem({ status: 0, body: 'curl: (7) Connection refused' })).toMatch(/^nothing answers/);
  });

  it('says what is left, and nothing when the file, the container and the answer are right', () => {
    const sha = kumaComposeSha256();
    const running = { composeSha256: sha, exists: true, running: true, image: 'louislam/uptime-kuma:1' };
    expect(kumaUnfinished(running, OK)).toEqual([]);
    expect(kumaUnfinished({ ...running, composeSha256: '' }, OK)).toEqual([`write ${KUMA_COMPOSE_FILE}`]);
    expect(kumaUnfinished({ ...running, composeSha256: 'f00' }, OK)).toEqual([`rewrite ${KUMA_COMPOSE_FILE} (it was changed)`]);
    expect(kumaUnfinished({ ...running, running: false }, undefined)).toEqual(['start the uptime-kuma container']);
    expect(kumaUnfinished({ ...running, image: 'louislam/uptime-kuma:2' }, OK)[0]).toMatch(/recreate the container on louislam\/uptime-kuma:1/);
    expect(kumaUnfinished(running, { status: 0, body: 'refused' })[0]).toMatch(/answer http:\/\/localhost:3001\/api\/entry-page/);
  });
});

describe('the Uptime Kuma probe, run with a stub docker', () => {
  let shell: StubShell;
  let probe: string;
  beforeAll(() => {
    shell = stubShell();
    probe = KUMA_PROBE.replace(KUMA_COMPOSE_FILE, join(shell.dir, 'compose.yaml'));
  });
  afterAll(() => shell.cleanup());

  it('sees nothing on a bare host', () => {
    shell.stub('docker', 'echo "Error: No such object: uptime-kuma" >&2; exit 1');
    expect(parseKumaFacts(shell.run(probe).stdout)).toEqual({ composeSha256: '', exists: false, running: false, image: '' });
  });

  it('reads the file hash and the container state', () => {
    writeFileSync(join(shell.dir, 'compose.yaml'), kumaComposeFile());
    shell.stub('docker', '[ "$1" = inspect ] && echo "true louislam/uptime-kuma:1"');
    const facts = parseKumaFacts(shell.run(probe).stdout);
    expect(facts).toEqual({ composeSha256: kumaComposeSha256(), exists: true, running: true, image: 'louislam/uptime-kuma:1' });
    expect(kumaUnfinished(facts, OK)).toEqual([]);
    shell.stub('docker', '[ "$1" = inspect ] && echo "false louislam/uptime-kuma:1"');
    expect(parseKumaFacts(shell.run(probe).stdout)).toMatchObject({ exists: true, running: false });
  });
});

describe('the Uptime Kuma preview', () => {
  it('says the tool creates the admin and the three monitors through the tunnel: no first-visitor window', () => {
    const step = uptimeKumaStep(configSchema.parse({}));
    const preview = step.preview(previewContext({ ...KNOWN_INSTANCES, 'compute.wordpress': { instanceId: 'i-wp', privateIp: '10.1.1.11', publicIp: '198.51.100.12' } }), ABSENT);
    expect(preview.summary).toContain("published on the host's 127.0.0.1:3001 only");
    expect(preview.summary).toContain('through an SSH tunnel to its localhost:3001 and Kuma\'s own API, the tool creates the admin account `admin`');
    expect(preview.summary).toContain('/etc/aws-runbook/admin/uptime-kuma.password');
    expect(preview.summary).toContain('three HTTP monitors: Shop (Rocket eCommerce) http://10.1.1.10:5085/, WordPress http://10.1.1.11/, GitLab http://10.3.1.10/users/sign_in');
    expect(preview.summary).not.toMatch(/first visitor/);
    expect(preview.cli).toContain('ssh -J ubuntu@198.51.100.10 -L 3001:localhost:3001 ubuntu@10.3.2.10 -N');
    expect(preview.cli).toContain("ssh -J ubuntu@198.51.100.10 ubuntu@10.3.2.10 'sudo docker compose -f /opt/uptime-kuma/compose.yaml up -d'");
    expect(preview.notes?.join('\n')).toMatch(/loopback only.*no security group opens it/);
    expect(preview.notes?.join('\n')).toMatch(/--restart always/);
  });

  it('names the placeholders of hosts not launched yet', () => {
    const preview = uptimeKumaStep(configSchema.parse({})).preview(previewContext({}), ABSENT);
    expect(preview.summary).toContain('Shop (Rocket eCommerce) http://$ECOMMERCE_PRIVATE_IP:5085/, WordPress http://$WORDPRESS_PRIVATE_IP/, GitLab http://$GITLAB_PRIVATE_IP/users/sign_in');
  });
});
