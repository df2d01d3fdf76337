import type { Config } from '../../../config/schema.js';
import type { Step } from '../../../engine/types.js';
import { elasticIpStepIds } from '../../compute/names.js';
import { ABSENT, present } from '../../found.js';
import { DB_INSTANCE_STEP } from '../db-users-master.js';
import { dockerStepId } from '../docker-step.js';
import { loginStepId } from '../login-step.js';
import { instanceName, instanceStepId } from '../names.js';
import { SHOP_HOST, SHOP_STEP_ID } from './names.js';
import { applyShop, shopOutputs } from './shop-apply.js';
import { shopGap, shopWanted } from './shop-plan.js';
import { shopPreview } from './shop-preview.js';

/**
 * `hosts.shop` — Rocket eCommerce (Django + Stripe) on the ecommerce host, as its source describes it
 * (compose file, env sample). Outputs: `url`, `service`, `database`, `dbUser`, `sourceDigest` (no secret:
 * the DB password, SECRET_KEY and Stripe keys live only in the host's 0600 /opt/shop/.env, the admin's
 * password in a root-only file). find reads the host (markers, file hashes, running services, a login as
 * the shop's DB user, its tables on RDS, an HTTP request on the shop's port), so a rerun on an unchanged
 * host is no-change.
 */
export function shopStep(config: Config): Step {
  return {
    id: SHOP_STEP_ID,
    section: 'hosts',
    host: SHOP_HOST,
    title: `The shop (Rocket eCommerce) on ${instanceName(config, SHOP_HOST)}`,
    needs: [loginStepId(SHOP_HOST), dockerStepId(SHOP_HOST), DB_INSTANCE_STEP, instanceStepId(SHOP_HOST), elasticIpStepIds(SHOP_HOST).association],
    typicalSeconds: 240,

    async find(ctx) {
      // Not logged in yet (first plan, or the host was just created): nothing of ours can be there.
      if (!ctx.output(loginStepId(SHOP_HOST), 'hostname') || !ctx.output(DB_INSTANCE_STEP, 'endpointAddress')) return ABSENT;
      const wanted = await shopWanted(ctx, config);
      const connection = await ctx.hosts.connect(SHOP_HOST, ctx.signal);
      const gap = await shopGap(ctx, connection, wanted);
      if (gap.fresh) return ABSENT;
      return present(shopOutputs(ctx, wanted, wanted.digest ?? 'unknown'), true, [], gap.unfinished);
    },

    preview(ctx, found) {
      return shopPreview(ctx, config, found);
    },

    apply(ctx) {
      return applyShop(ctx, config);
    },
  };
}
