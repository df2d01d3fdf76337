import { elasticIpStepIds } from '../../compute/names.js';
import type { Config } from '../../../config/schema.js';
import type { Outputs, Step, StepContext } from '../../../engine/types.js';
import { ABSENT, present } from '../../found.js';
import { DB_INSTANCE_STEP } from '../db-users-master.js';
import { dockerStepId } from '../docker-step.js';
import { loginStepId } from '../login-step.js';
import { adminPasswordFile } from '../admin-credentials.js';
import { instanceName, instanceStepId } from '../names.js';
import { databasePreviewLines, sshThroughBastion } from '../shop/shop-preview.js';
import { applyWordpress, wordpressGap } from './wordpress-apply.js';
import { WORDPRESS_COMPOSE_PATH, WORDPRESS_DATABASE, WORDPRESS_DIR, WORDPRESS_ENV_PATH, WORDPRESS_HOST, WORDPRESS_IMAGE, WORDPRESS_STEP_ID, WP_CLI_IMAGE } from './names.js';
import { installCommand, IS_INSTALLED_COMMAND, siteUrl, WORDPRESS_ADMIN } from './wordpress-install.js';

const SEED_NOTES = [
  'runbook: the compose file lives in ~/wordpress and carries the database password in plain text, for the RDS master user; here /opt/wordpress, the password of WordPress\'s own user `wordpress` in a 0600 env file, the compose file without secrets',
  'runbook: relies on the image to create the database; the image no longer does, so the database and its user are created on RDS first',
  'runbook: checked by a screenshot; here / and /wp-login.php must answer 200 (a redirect to /wp-admin/install.php means not installed), and 500 is reported as "the database is unreachable"',
  "runbook: leaves WordPress at its web installer on port 80, open to the internet, where the first visitor picks the admin; here port 80 is published on the host's 127.0.0.1 only until the tool has installed WordPress with WP-CLI, then on every interface",
];

function outputs(ctx: StepContext): Outputs {
  return { url: siteUrl(ctx), database: WORDPRESS_DATABASE.database, dbUser: WORDPRESS_DATABASE.user, adminUser: WORDPRESS_ADMIN.user, adminPasswordFile: adminPasswordFile(WORDPRESS_ADMIN) };
}

/**
 * `hosts.wordpress` — WordPress (official image) on the wordpress host, with its own database and user
 * on RDS, installed with WP-CLI before its port faces the internet. Outputs: `url`, `database`, `dbUser`,
 * `adminUser`, `adminPasswordFile`; the DB password lives only in the host's 0600 env file, the admin's
 * only in its root-only file on the host.
 */
export function wordpressStep(config: Config): Step {
  const name = instanceName(config, WORDPRESS_HOST);
  return {
    id: WORDPRESS_STEP_ID,
    section: 'hosts',
    host: WORDPRESS_HOST,
    title: `WordPress on ${name}`,
    // The site URL WP-CLI installs with is the Elastic IP's.
    needs: [loginStepId(WORDPRESS_HOST), dockerStepId(WORDPRESS_HOST), DB_INSTANCE_STEP, instanceStepId(WORDPRESS_HOST), elasticIpStepIds(WORDPRESS_HOST).association],
    typicalSeconds: 120,

    async find(ctx) {
      if (!ctx.output(loginStepId(WORDPRESS_HOST), 'hostname') || !ctx.output(DB_INSTANCE_STEP, 'endpointAddress')) return ABSENT;
      const connection = await ctx.hosts.connect(WORDPRESS_HOST, ctx.signal);
      const gap = await wordpressGap(ctx, connection);
      return gap.fresh ? ABSENT : present(outputs(ctx), true, [], gap.unfinished);
    },

    preview(ctx, found) {
      const { ssh } = sshThroughBastion(ctx, WORDPRESS_HOST);
      const cd = `cd ${WORDPRESS_DIR} && sudo`;
      const cli = [
        `${ssh} 'sudo install -d ${WORDPRESS_DIR} && sudo sh -c "umask 077 && cat > ${WORDPRESS_ENV_PATH}"' < wordpress.env   # WORDPRESS_DB_PASSWORD=<generated>`,
        ...databasePreviewLines(ctx, ssh, WORDPRESS_DATABASE),
        `${ssh} 'sudo tee ${WORDPRESS_COMPOSE_PATH} >/dev/null' < compose.yaml   # ${WORDPRESS_IMAGE} on 127.0.0.1:80 until installed, WORDPRESS_DB_HOST/NAME/USER, env_file ${WORDPRESS_ENV_PATH}; wp-cli: ${WP_CLI_IMAGE} (profile cli) on the same volume`,
        `${ssh} '${cd} docker compose up -d'`,
        `${ssh} "${cd} ${IS_INSTALLED_COMMAND} || ${cd} ${installCommand(ctx)}" < ${WORDPRESS_ADMIN.id}.password   # admin password generated, kept in ${adminPasswordFile(WORDPRESS_ADMIN)} on the host`,
        `${ssh} 'sudo sed -i s/127.0.0.1:80:80/80:80/ ${WORDPRESS_COMPOSE_PATH} && ${cd} docker compose up -d'   # then port 80 on every interface`,
        `${ssh} "curl -sS -o /dev/null -w '%{http_code}' http://localhost/ http://localhost/wp-login.php"   # 200 each (not a redirect to /wp-admin/install.php); 500: the database is unreachable`,
      ];
      if (found.kind === 'present' && found.unfinished.length === 0) return { summary: `WordPress on ${name} runs as wanted`, cli: [], notes: SEED_NOTES };
      const summary =
        found.kind === 'present'
          ? `WordPress on ${name}: to finish: ${found.unfinished.join('; ')}`
          : `install WordPress on ${name}: database and user \`wordpress\` on RDS, ${WORDPRESS_DIR} with compose and a 0600 env file, docker compose up -d with port 80 on the host's 127.0.0.1 only, ` +
            `then WP-CLI's wp core install (${siteUrl(ctx)}, admin \`${WORDPRESS_ADMIN.user}\` with a generated password kept in ${adminPasswordFile(WORDPRESS_ADMIN)} on the host, shown on the Summary on request), ` +
            `then port 80 on every interface; / and /wp-login.php checked (200)`;
      return { summary, cli, notes: SEED_NOTES };
    },

    async apply(ctx) {
      await applyWordpress(ctx);
      return outputs(ctx);
    },
  };
}
