import type { SshConnection } from '../../ssh/connect.js';
import { exec } from '../../ssh/exec.js';
import { parseFacts } from './docker-remote.js';

/** The Debian packages the seed installs on every Docker host (Ubuntu's own builds, not docker-ce). */
export const DOCKER_PACKAGES = ['docker.io', 'docker-compose-v2'] as const;

/** What a host says about its Docker install. Read-only; runs as root because `docker info` needs the socket. */
export interface DockerFacts {
  /** `command -v docker`, '' when missing. */
  dockerPath: string;
  /** From `docker compose version`, '' when the plugin is missing. */
  composeVersion: string;
  /** `systemctl is-enabled docker` / `is-active docker` said so. */
  enabled: boolean;
  active: boolean;
  /** `docker info --format '{{.ServerVersion}}'`: the daemon answered; '' when it did not. */
  serverVersion: string;
}

export const DOCKER_PROBE = [
  'docker_path=$(command -v docker || true)',
  'echo "docker_path=$docker_path"',
  'if [ -n "$docker_path" ]; then',
  '  echo "compose=$(docker compose version 2>/dev/null | head -n1)"',
  `  echo "server=$(docker info --format '{{.ServerVersion}}' 2>/dev/null | head -n1)"`,
  'fi',
  'echo "enabled=$(systemctl is-enabled docker 2>/dev/null | head -n1)"',
  'echo "active=$(systemctl is-active docker 2>/dev/null | head -n1)"',
].join('\n');

/** "Docker Compose version v2.24.6" / "Docker Compose version 2.24.6+ds1-0ubuntu2" → the version. */
export function parseComposeVersion(line: string): string {
  return /version\s+v?(\S+)/i.exec(line)?.[1] ?? '';
}

/** A server version as `docker info` prints it: digits and dots first (an error or template text is not one). */
export function parseServerVersion(text: string): string {
  const first = text.trim().split('\n')[0]?.trim() ?? '';
  return /^\d+(\.\d+)+\S*$/.test(first) ? first : '';
}

export function parseDockerFacts(stdout: string): DockerFacts {
  const facts = parseFacts(stdout);
  return {
    dockerPath: facts['docker_path'] ?? '',
    composeVersion: parseComposeVersion(facts['compose'] ?? ''),
    enabled: facts['enabled'] === 'enabled',
    active: facts['active'] === 'active',
    serverVersion: parseServerVersion(facts['server'] ?? ''),
  };
}

export async function probeDocker(connection: SshConnection, signal?: AbortSignal): Promise<DockerFacts> {
  const result = await exec(connection, DOCKER_PROBE, { label: 'look at the Docker install', sudo: true, timeoutMs: 60_000, signal });
  return parseDockerFacts(result.stdout);
}

/** The packages still to install. */
export function missingDockerPackages(facts: DockerFacts): string[] {
  return [...(facts.dockerPath ? [] : ['docker.io']), ...(facts.composeVersion ? [] : ['docker-compose-v2'])];
}

/** What apply still has to do on this host; empty when Docker is as wanted. */
export function dockerUnfinished(facts: DockerFacts): string[] {
  const missing = missingDockerPackages(facts);
  return [
    ...(missing.length > 0 ? [`install ${missing.join(' + ')}`] : []),
    ...(facts.enabled ? [] : ['enable the docker service']),
    ...(facts.active ? [] : ['start the docker service']),
    ...(facts.dockerPath && !facts.serverVersion ? ['get an answer from `docker info`'] : []),
  ];
}

/** The step's outputs: the same from find and from apply, so a rerun compares equal. */
export function dockerOutputs(facts: DockerFacts): Record<string, string> {
  return { dockerVersion: facts.serverVersion, composeVersion: facts.composeVersion };
}
