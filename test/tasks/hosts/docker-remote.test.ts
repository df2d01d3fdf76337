import { describe, expect, it } from 'vitest';
import { aptInstallScript, parseFacts, sshLine } from '../../../src/tasks/hosts/docker-remote.js';
import { KNOWN_INSTANCES, previewContext } from './docker-preview-context.js';

describe('parseFacts', () => {
  it('reads key=value lines, values trimmed, other lines ignored, the last one winning', () => {
    expect(parseFacts('a=1\nnoise\nb_c= two words \na=3\nBAD=x\n')).toEqual({ a: '3', b_c: 'two words' });
    expect(parseFacts('url=http://x/?a=b\n')).toEqual({ url: 'http://x/?a=b' });
    expect(parseFacts('source_sha256=abc\n')).toEqual({ source_sha256: 'abc' });
  });
});

describe('aptInstallScript', () => {
  it('installs without prompts, waiting for the dpkg lock, updating only stale lists', () => {
    const script = aptInstallScript(['docker.io', 'docker-compose-v2']);
    expect(script).toContain('export DEBIAN_FRONTEND=noninteractive');
    expect(script).toContain('-o=DPkg::Lock::Timeout=600 -y install docker.io docker-compose-v2');
    expect(script).toMatch(/if \[ -z "\$\(find \/var\/lib\/apt\/lists .*-mmin -1440 .*\)" \]; then apt-get .* update; fi/);
    expect(script.split('\n')[0]).toBe('set -e');
  });

  it('updates unconditionally when asked (a package source was just added)', () => {
    const script = aptInstallScript(['gitlab-ce'], { forceUpdate: true });
    expect(script).not.toContain('find /var/lib/apt/lists');
    expect(script).toMatch(/^apt-get .* update$/m);
  });

  it('refuses what is not a package name (the names go into a shell line)', () => {
    expect(() => aptInstallScript(['docker.io; rm -rf /'])).toThrow(/not a Debian package name/);
    expect(() => aptInstallScript([])).toThrow(/no package/);
  });
});

describe('sshLine', () => {
  it('goes through the bastion for a private host and straight to the bastion itself', () => {
    const ctx = previewContext(KNOWN_INSTANCES);
    expect(sshLine(ctx, 'ecommerce', 'sudo docker info')).toBe("ssh -J ubuntu@198.51.100.10 ubuntu@10.1.1.10 'sudo docker info'");
    expect(sshLine(ctx, 'gitlab', "echo 'x'")).toBe(`ssh ubuntu@198.51.100.10 'echo '\\''x'\\'''`);
  });

  it('shows placeholders before the instances exist', () => {
    expect(sshLine(previewContext(), 'monitoring', 'true')).toBe("ssh -J ubuntu@$BASTION_PUBLIC_IP ubuntu@$MONITORING_PRIVATE_IP 'true'");
  });
});
