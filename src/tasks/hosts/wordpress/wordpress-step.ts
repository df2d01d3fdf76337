import type { Config } from '../../../config/schema.js';
import type { Outputs, Step, StepContext } from '../../../engine/types.js';
import { ABSENT, present } from '../../found.js';
import { DB_INSTANCE_STEP } from '../db-users-master.js';
import { dockerStepId } from '../docker-step.js';
import { loginStepId } from '../login-step.js';
import { instanceName, instanceStepId } from '../names.js';
import { databasePreviewLines, sshThroughBastion } from '../shop/shop-preview.js';
import { applyWordpress, wordpressGap } from './wordpress-apply.js';
import { WORDPRESS_COMPOSE_PATH, WORDPRESS_DATABASE, WORDPRESS_DIR, WORDPRESS_ENV_PATH, WORDPRESS_HOST, WORDPRESS_IMAGE, WORDPRESS_STEP_ID } from './names.js';

const SEED_NOTES = [
  'seed: the compose file lives in ~/wordpress and carries the database password in plain text, for the RDS master user; here /opt/wordpress, the password of WordPress\'s own user `wordpress` in a 0600 env file, the compose file without secrets',
  'seed: relies on the image to create the database; the image no longer does, so the database and its user are created on RDS first',
  'seed: checked by a screenshot; here /wp-login.php must answer 302 (to the installer) or 200, and 500 is reported as "the database is unreachable"',
];

function outputs(ctx: StepContext): Outputs {
  const address = ctx.output(instanceStepId(WORDPRESS_HOST), 'publicIp') ?? ctx.output(instanceStepId(WORDPRESS_HOST), 'privateIp') ?? '$WORDPRESS_PUBLIC_IP';
  return { url: `http://${address}/`, database: WORDPRESS_DATABASE.database, dbUser: WORDPRESS_DATABASE.user };
}

/**
 * `hosts.wordpress` — WordPress (official image) on the wordpress host, with its own database and user
 * on RDS. Outputs: `url`, `database`, `dbUser`; the DB password lives only in the host's 0600 env file.
 */
export function wordpressStep(config: Config): Step {
  const name = instanceName(config, WORDPRESS_HOST);
  return {
    id: WORDPRESS_STEP_ID,
    section: 'hosts',
    host: WORDPRESS_HOST,
    title: `WordPress on ${name}`,
    needs: [loginStepId(WORDPRESS_HOST), dockerStepId(WORDPRESS_HOST), DB_INSTANCE_STEP, instanceStepId(WORDPRESS_HOST)],
    typicalSeconds: 120,

    async find(ctx) {
      if (!ctx.output(loginStepId(WORDPRESS_HOST), 'hostname') || !ctx.output(DB_INSTANCE_STEP, 'endpointAddress')) return ABSENT;
      const connection = await ctx.hosts.connect(WORDPRESS_HOST, ctx.signal);
      const gap = await wordpressGap(ctx, connection);
      return gap.fresh ? ABSENT : present(outputs(ctx), true, [], gap.unfinished);
    },

    preview(ctx, found) {
      const { ssh } = sshThroughBastion(ctx, WORDPRESS_HOST);
      const cli = [
        `${ssh} 'sudo install -d ${WORDPRESS_DIR} && sudo sh -c "umask 077 && cat > ${WORDPRESS_ENV_PATH}"' < wordpress.env   # WORDPRESS_DB_PASSWORD=<generated>`,
        ...databasePreviewLines(ctx, ssh, WORDPRESS_DATABASE),
        `${ssh} 'sudo tee ${WORDPRESS_COMPOSE_PATH} >/dev/null' < compose.yaml   # ${WORDPRESS_IMAGE}, port 80, WORDPRESS_DB_HOST/NAME/USER, env_file ${WORDPRESS_ENV_PATH}`,
        `${ssh} 'cd ${WORDPRESS_DIR} && sudo docker compose up -d'`,
        `${ssh} "curl -sS -o /dev/null -w '%{http_code}' http://localhost/wp-login.php"   # 302 or 200; 500: the database is unreachable`,
      ];
      if (found.kind === 'present' && found.unfinished.length === 0) return { summary: `WordPress on ${name} runs as wanted`, cli: [], notes: SEED_NOTES };
      const summary =
        found.kind === 'present'
          ? `WordPress on ${name}: to finish: ${found.unfinished.join('; ')}`
          : `install WordPress on ${name}: database and user \`wordpress\` on RDS, ${WORDPRESS_DIR} with compose and a 0600 env file, docker compose up -d, /wp-login.php check`;
      return { summary, cli, notes: SEED_NOTES };
    },

    async apply(ctx) {
      await applyWordpress(ctx);
      return outputs(ctx);
    },
  };
}
