import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { ABSENT, present } from '../../../src/tasks/found.js';
import { wordpressStep } from '../../../src/tasks/hosts/wordpress/wordpress-step.js';
import { adminEmail, describePage, installCommand, installedAnswer, IS_INSTALLED_COMMAND, siteUrl } from '../../../src/tasks/hosts/wordpress/wordpress-install.js';
import { KNOWN_INSTANCES, previewContext } from './docker-preview-context.js';

const WITH_WORDPRESS = { ...KNOWN_INSTANCES, 'compute.wordpress': { instanceId: 'i-wp', privateIp: '10.1.1.11', publicIp: '198.51.100.12' } };

describe("WordPress's install with WP-CLI", () => {
  it('runs wp core install in the wp-cli service with the site URL, title and admin, the password asked on stdin only', () => {
    const ctx = previewContext(WITH_WORDPRESS);
    expect(installCommand(ctx)).toBe(
      "docker compose run --rm -T wp-cli wp core install '--url=http://198.51.100.12/' '--title=WordPress BFHK' '--admin_user=admin' '--admin_email=admin@bfhk.invalid' --skip-email --prompt=admin_password",
    );
    expect(installCommand(ctx)).not.toMatch(/--admin_password=/);
    expect(IS_INSTALLED_COMMAND).toBe('docker compose run --rm -T wp-cli wp core is-installed');
    expect(adminEmail(configSchema.parse({ suffix: 'Shop1' }))).toBe('admin@shop1.invalid');
  });

  it("uses the host's Elastic IP for the site URL once it is associated, the launch address before", () => {
    expect(siteUrl(previewContext(WITH_WORDPRESS))).toBe('http://198.51.100.12/');
    expect(siteUrl(previewContext({ ...WITH_WORDPRESS, 'compute.wordpress.eip-association': { publicIp: '203.0.113.50' } }))).toBe('http://203.0.113.50/');
    expect(siteUrl(previewContext({}))).toBe('http://$WORDPRESS_PUBLIC_IP/');
  });

  it('an installed site answers 200; a redirect to the installer is not installed', () => {
    expect(installedAnswer({ status: 200, location: '' })).toBe(true);
    expect(installedAnswer({ status: 302, location: 'http://localhost/wp-admin/install.php' })).toBe(false);
    expect(describePage({ status: 302, location: 'http://localhost/wp-admin/install.php' })).toBe('HTTP 302 to http://localhost/wp-admin/install.php');
    expect(describePage({ status: 0, location: '' })).toBe('no answer');
  });
});

describe('the WordPress preview', () => {
  it('says port 80 stays on the loopback until WP-CLI has installed it, then opens; no password in it', () => {
    const step = wordpressStep(configSchema.parse({}));
    const known = { ...WITH_WORDPRESS, 'database.instance': { endpointAddress: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com', endpointPort: '3306' } };
    const preview = step.preview(previewContext(known), ABSENT);
    expect(preview.summary).toContain("docker compose up -d with port 80 on the host's 127.0.0.1 only, then WP-CLI's wp core install (http://198.51.100.12/, admin `admin`");
    expect(preview.summary).toContain('kept in /etc/aws-runbook/admin/wordpress.password on the host, shown on the Summary on request), then port 80 on every interface');
    expect(preview.cli.join('\n')).toContain('wp-cli wp core is-installed || cd /opt/wordpress && sudo docker compose run --rm -T wp-cli wp core install');
    expect(preview.cli.join('\n')).toContain('< wordpress.password');
    expect(preview.notes?.join('\n')).toMatch(/first visitor picks the admin; here port 80 is published on the host's 127\.0\.0\.1 only until the tool has installed WordPress with WP-CLI/);
    const unfinished = step.preview(previewContext(known), present({}, true, [], ['finish the install with WP-CLI (wp core install, admin `admin`): / answers HTTP 302 to http://localhost/wp-admin/install.php, then publish port 80']));
    expect(unfinished.summary).toMatch(/^WordPress on VM-WordPress-BFHK: to finish: finish the install with WP-CLI/);
  });
});
