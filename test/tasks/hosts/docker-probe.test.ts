import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER_PROBE,
  dockerOutputs,
  dockerUnfinished,
  missingDockerPackages,
  parseComposeVersion,
  parseDockerFacts,
  parseServerVersion,
  type DockerFacts,
} from '../../../src/tasks/hosts/docker-probe.js';
import { stubShell, type StubShell } from './shell-stubs.js';

const READY: DockerFacts = { dockerPath: '/usr/bin/docker', composeVersion: '2.24.6+ds1-0ubuntu2', enabled: true, active: true, serverVersion: '24.0.7' };

describe('docker probe parsing', () => {
  it('reads the compose version as Ubuntu and Docker print it', () => {
    expect(parseComposeVersion('Docker Compose version 2.24.6+ds1-0ubuntu2')).toBe('2.24.6+ds1-0ubuntu2');
    expect(parseComposeVersion('Docker Compose version v2.27.0')).toBe('2.27.0');
    expect(parseComposeVersion("docker: 'compose' is not a docker command.")).toBe('');
  });

  it('takes a server version only when it looks like one (not an error or a template left unfilled)', () => {
    expect(parseServerVersion('24.0.7\n')).toBe('24.0.7');
    expect(parseServerVersion('27.5.1-1ubuntu1')).toBe('27.5.1-1ubuntu1');
    expect(parseServerVersion('Cannot connect to the Docker daemon at unix:///var/run/docker.sock.')).toBe('');
    expect(parseServerVersion('<no value>')).toBe('');
    expect(parseServerVersion('')).toBe('');
  });

  it('turns the probe lines into facts', () => {
    const facts = parseDockerFacts('docker_path=/usr/bin/docker\ncompose=Docker Compose version 2.24.6\nserver=24.0.7\nenabled=enabled\nactive=active\n');
    expect(facts).toEqual({ dockerPath: '/usr/bin/docker', composeVersion: '2.24.6', enabled: true, active: true, serverVersion: '24.0.7' });
    expect(parseDockerFacts('docker_path=\nenabled=not-found\nactive=inactive\n')).toEqual({ dockerPath: '', composeVersion: '', enabled: false, active: false, serverVersion: '' });
  });

  it('says what is left to do, and nothing when Docker is as wanted', () => {
    expect(dockerUnfinished(READY)).toEqual([]);
    expect(missingDockerPackages(READY)).toEqual([]);
    const noCompose = { ...READY, composeVersion: '' };
    expect(missingDockerPackages(noCompose)).toEqual(['docker-compose-v2']);
    expect(dockerUnfinished(noCompose)).toEqual(['install docker-compose-v2']);
    expect(dockerUnfinished({ ...READY, serverVersion: '' })).toEqual(['get an answer from `docker info`']);
    expect(dockerUnfinished({ ...READY, enabled: false, active: false })).toEqual(['enable the docker service', 'start the docker service']);
    const nothing = { dockerPath: '', composeVersion: '', enabled: false, active: false, serverVersion: '' };
    expect(missingDockerPackages(nothing)).toEqual(['docker.io', 'docker-compose-v2']);
  });

  it('gives the same outputs for the same facts (find and apply compare equal on a rerun)', () => {
    expect(dockerOutputs(READY)).toEqual({ dockerVersion: '24.0.7', composeVersion: '2.24.6+ds1-0ubuntu2' });
  });
});

describe('the docker probe script, run with stub commands', () => {
  let shell: StubShell;
  beforeAll(() => {
    shell = stubShell();
    shell.stub('systemctl', 'case "$1" in is-enabled) echo enabled;; is-active) echo inactive; exit 3;; esac');
  });
  afterAll(() => shell.cleanup());

  it('reports a missing docker without calling it', () => {
    const facts = parseDockerFacts(shell.run(DOCKER_PROBE).stdout);
    expect(facts).toEqual({ dockerPath: '', composeVersion: '', enabled: true, active: false, serverVersion: '' });
  });

  it('reads docker, compose and the daemon version, and survives a daemon that does not answer', () => {
    shell.stub('docker', [
      'if [ "$1 $2" = "compose version" ]; then echo "Docker Compose version 2.24.6+ds1-0ubuntu2"; exit 0; fi',
      'if [ "$1" = info ]; then if [ -f "$(dirname "$0")/../down" ]; then echo "Cannot connect to the Docker daemon" >&2; exit 1; fi; echo 24.0.7; exit 0; fi',
      'exit 1',
    ].join('\n'));
    const up = parseDockerFacts(shell.run(DOCKER_PROBE).stdout);
    expect(up.dockerPath).toMatch(/\/bin\/docker$/);
    expect(up.composeVersion).toBe('2.24.6+ds1-0ubuntu2');
    expect(up.serverVersion).toBe('24.0.7');
    shell.run(`touch ${shell.dir}/down`);
    const result = shell.run(DOCKER_PROBE);
    expect(result.code).toBe(0);
    expect(parseDockerFacts(result.stdout).serverVersion).toBe('');
    expect(dockerUnfinished(parseDockerFacts(result.stdout))).toEqual(['start the docker service', 'get an answer from `docker info`']);
  });
});
