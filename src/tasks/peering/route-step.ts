import { CreateRouteCommand, DeleteRouteCommand, type Route } from '@aws-sdk/client-ec2';
import { routeTableById } from '../../aws/ec2-describe.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { routeTargetId } from '../network/default-route-step.js';
import { inventoryOf } from '../inventory/of-context.js';
import { inRouteTable } from '../relation-find.js';

export interface PeeringRouteStepSpec {
  id: string;
  routeTableStepId: string;
  /** RouteCyberPub-BFHK */
  routeTableName: string;
  routeTablePlaceholder: string;
  /** The peer VPC's CIDR. */
  destination: string;
  peeringStepId: string;
  /** Peering-Cyber-MVP-BFHK */
  peeringName: string;
  peeringPlaceholder: string;
  notes?: string[];
}

/** Outputs: `routeTableId`, `destinationCidrBlock`, `vpcPeeringConnectionId`. Ours when the route table is ours. */
export function peeringRouteStep(spec: PeeringRouteStepSpec): Step {
  const routeIn = (routes: Route[] | undefined) => routes?.find((r) => r.DestinationCidrBlock === spec.destination);

  async function liveRoute(ctx: StepContext, routeTableId: string): Promise<Route | undefined> {
    return routeIn((await routeTableById(ctx.aws.ec2, routeTableId, ctx.signal))?.Routes);
  }

  function conflict(routeTableId: string, actual: string, wanted: string): string {
    return `${spec.destination} in ${routeTableId} (${spec.routeTableName}) points at ${actual}, wanted ${wanted} (${spec.peeringName})`;
  }

  return {
    id: spec.id,
    section: 'peering',
    title: `Route ${spec.destination} → ${spec.peeringName} in ${spec.routeTableName}`,
    needs: [spec.routeTableStepId, spec.peeringStepId],

    async find(ctx): Promise<FindResult> {
      const start = await inRouteTable(ctx, spec.routeTableStepId, { peeringId: [spec.peeringStepId, 'vpcPeeringConnectionId'] });
      const route = routeIn(start?.holder.Routes);
      if (!start || !route) return ABSENT;
      const { ids: { routeTableId, peeringId }, ours } = start;
      const actual = routeTargetId(route);
      if (actual !== peeringId) return present({}, ours, [conflict(routeTableId, actual, peeringId)]);
      return present({ routeTableId, destinationCidrBlock: spec.destination, vpcPeeringConnectionId: peeringId }, ours);
    },

    preview(ctx, found) {
      const rtRef = ctx.ref(spec.routeTableStepId, 'routeTableId', spec.routeTablePlaceholder);
      const peeringRef = ctx.ref(spec.peeringStepId, 'vpcPeeringConnectionId', spec.peeringPlaceholder);
      return stepPreview(found, {
        what: `route ${spec.destination} → ${spec.peeringName} in ${spec.routeTableName}`,
        create: [`aws ec2 create-route --route-table-id ${rtRef} --destination-cidr-block ${spec.destination} --vpc-peering-connection-id ${peeringRef}`],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const routeTableId = ctx.need(spec.routeTableStepId, 'routeTableId');
      const peeringId = ctx.need(spec.peeringStepId, 'vpcPeeringConnectionId');
      const outputs = { routeTableId, destinationCidrBlock: spec.destination, vpcPeeringConnectionId: peeringId };
      if (found.kind === 'present') {
        adoptableOutputs(found, spec.id, 'routeTableId', 'vpcPeeringConnectionId');
        return outputs;
      }
      const pointsAtPeering = async () => {
        const route = await liveRoute(ctx, routeTableId);
        return route !== undefined && routeTargetId(route) === peeringId;
      };
      await mutate(
        ctx,
        'CreateRoute',
        async (abortSignal) => {
          const command = new CreateRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: spec.destination, VpcPeeringConnectionId: peeringId });
          try {
            await ctx.aws.ec2Once.send(command, { abortSignal });
          } catch (error) {
            if (!isAwsErrorCode(error, 'RouteAlreadyExists')) throw error;
            // A duplicate is success only when it goes through our peering.
            if (await pointsAtPeering()) return true;
            const route = await liveRoute(ctx, routeTableId);
            throw new RunbookConflictError(
              conflict(routeTableId, route ? routeTargetId(route) : '(unknown)', peeringId),
              `Check the table (\`aws ec2 describe-route-tables --route-table-ids ${routeTableId}\`); replace or delete the route by hand if it is wrong, then rerun.`,
            );
          }
          return true;
        },
        { refind: async () => ((await pointsAtPeering()) ? true : undefined) },
      );
      inventoryOf(ctx).network.routeAdded(routeTableId, { DestinationCidrBlock: spec.destination, VpcPeeringConnectionId: peeringId });
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const routeTableId = outputs.routeTableId ?? ctx.output(spec.routeTableStepId, 'routeTableId');
      const peeringId = outputs.vpcPeeringConnectionId ?? ctx.output(spec.peeringStepId, 'vpcPeeringConnectionId');
      if (!routeTableId) return;
      const route = routeIn((await inventoryOf(ctx).network.routeTable(routeTableId))?.Routes);
      if (!route) return;
      if (routeTargetId(route) !== peeringId) {
        ctx.progress(`${spec.destination} in ${routeTableId} points at ${routeTargetId(route)}, not our peering ${peeringId ?? '(unknown)'}: left in place`);
        return;
      }
      await removeIdempotently(
        ctx,
        'DeleteRoute',
        (abortSignal) => ctx.aws.ec2Once.send(new DeleteRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: spec.destination }), { abortSignal }),
        ['InvalidRoute.NotFound', 'InvalidRouteTableID.NotFound'],
      );
      inventoryOf(ctx).network.routeDeleted(routeTableId, spec.destination);
    },

    destroyPreview(ctx, outputs) {
      const rt = outputs.routeTableId ?? ctx.ref(spec.routeTableStepId, 'routeTableId', spec.routeTablePlaceholder);
      return {
        summary: `Delete route ${spec.destination} → ${spec.peeringName} from ${spec.routeTableName} (${rt})`,
        cli: [`aws ec2 delete-route --route-table-id ${rt} --destination-cidr-block ${spec.destination}`],
      };
    },
  };
}
