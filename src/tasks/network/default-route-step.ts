import { CreateRouteCommand, DeleteRouteCommand, type Route, type RouteTable } from '@aws-sdk/client-ec2';
import { routeTableById } from '../../aws/ec2-describe.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { inventoryOf } from '../inventory/of-context.js';
import { inRouteTable } from '../relation-find.js';

/** Where a default route goes: the extension point for the NAT gateways of IA and Cyber. */
export interface RouteTarget {
  kind: 'internet-gateway' | 'nat-gateway';
  /** The step that outputs the target's id, and the key. */
  stepId: string;
  outputKey: string;
  /** `$MVP_IGW_ID`, `$IA_NAT_ID` */
  placeholder: string;
  /** For titles: "IGW-MVP-BFHK". */
  label: string;
}

export interface DefaultRouteStepSpec {
  id: string;
  routeTableStepId: string;
  routeTableName: string;
  routeTablePlaceholder: string;
  target: RouteTarget;
  /** Steps that must be done first besides the table and the target (e.g. the IGW attachment). */
  extraNeeds?: string[];
  /** Default 0.0.0.0/0. */
  destination?: string;
  notes?: string[];
}

/** The id a route points at, whatever its kind. */
export function routeTargetId(route: Route): string {
  return (
    route.GatewayId ??
    route.NatGatewayId ??
    route.VpcPeeringConnectionId ??
    route.TransitGatewayId ??
    route.NetworkInterfaceId ??
    route.InstanceId ??
    route.EgressOnlyInternetGatewayId ??
    '(unknown target)'
  );
}

/** Outputs: `routeTableId`, `destinationCidrBlock`, `targetId`. Ours when the route table is ours. */
export function defaultRouteStep(spec: DefaultRouteStepSpec): Step {
  const destination = spec.destination ?? '0.0.0.0/0';
  const targetFlag = spec.target.kind === 'nat-gateway' ? '--nat-gateway-id' : '--gateway-id';
  const routeIn = (table: RouteTable | undefined) => table?.Routes?.find((r) => r.DestinationCidrBlock === destination);

  async function liveRoute(ctx: StepContext, routeTableId: string): Promise<Route | undefined> {
    return routeIn(await routeTableById(ctx.aws.ec2, routeTableId, ctx.signal));
  }

  return {
    id: spec.id,
    section: 'network',
    title: `Route ${destination} → ${spec.target.label} in ${spec.routeTableName}`,
    needs: [spec.routeTableStepId, spec.target.stepId, ...(spec.extraNeeds ?? [])],

    async find(ctx): Promise<FindResult> {
      const start = await inRouteTable(ctx, spec.routeTableStepId, { targetId: [spec.target.stepId, spec.target.outputKey] });
      const route = routeIn(start?.holder);
      if (!start || !route) return ABSENT;
      const { ids: { routeTableId, targetId }, ours } = start;
      const actual = routeTargetId(route);
      if (actual !== targetId) {
        return present({}, ours, [`${destination} in ${routeTableId} points at ${actual}, wanted ${targetId}`]);
      }
      if (route.State === 'blackhole') {
        return present({}, ours, [`${destination} in ${routeTableId} is a blackhole: its target ${actual} is gone or detached`]);
      }
      return present({ routeTableId, destinationCidrBlock: destination, targetId }, ours);
    },

    preview(ctx, found) {
      const rtRef = ctx.ref(spec.routeTableStepId, 'routeTableId', spec.routeTablePlaceholder);
      const targetRef = ctx.ref(spec.target.stepId, spec.target.outputKey, spec.target.placeholder);
      return stepPreview(found, {
        what: `route ${destination} → ${spec.target.label} in ${spec.routeTableName}`,
        create: [`aws ec2 create-route --route-table-id ${rtRef} --destination-cidr-block ${destination} ${targetFlag} ${targetRef}`],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const routeTableId = ctx.need(spec.routeTableStepId, 'routeTableId');
      const targetId = ctx.need(spec.target.stepId, spec.target.outputKey);
      const outputs = { routeTableId, destinationCidrBlock: destination, targetId };
      if (found.kind === 'present') {
        adoptableOutputs(found, spec.id, 'routeTableId', 'targetId');
        return outputs;
      }
      const pointsAtTarget = async () => {
        const route = await liveRoute(ctx, routeTableId);
        return route !== undefined && routeTargetId(route) === targetId;
      };
      await mutate(
        ctx,
        'CreateRoute',
        async (abortSignal) => {
          const command = new CreateRouteCommand({
            RouteTableId: routeTableId,
            DestinationCidrBlock: destination,
            ...(spec.target.kind === 'nat-gateway' ? { NatGatewayId: targetId } : { GatewayId: targetId }),
          });
          try {
            await ctx.aws.ec2Once.send(command, { abortSignal });
          } catch (error) {
            if (!isAwsErrorCode(error, 'RouteAlreadyExists')) throw error;
            // A duplicate is success only when it points where we want.
            if (await pointsAtTarget()) return true;
            const route = await liveRoute(ctx, routeTableId);
            throw new RunbookConflictError(
              `${destination} in ${routeTableId} already points at ${route ? routeTargetId(route) : '(unknown)'}, wanted ${targetId}`,
              `Check the route table (\`aws ec2 describe-route-tables --route-table-ids ${routeTableId}\`); replace the route by hand if it is wrong, then rerun.`,
            );
          }
          return true;
        },
        { refind: async () => ((await pointsAtTarget()) ? true : undefined) },
      );
      inventoryOf(ctx).network.routeAdded(routeTableId, {
        DestinationCidrBlock: destination,
        ...(spec.target.kind === 'nat-gateway' ? { NatGatewayId: targetId } : { GatewayId: targetId }),
      });
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const routeTableId = outputs.routeTableId ?? ctx.output(spec.routeTableStepId, 'routeTableId');
      const targetId = outputs.targetId ?? ctx.output(spec.target.stepId, spec.target.outputKey);
      if (!routeTableId) return;
      const route = routeIn(await inventoryOf(ctx).network.routeTable(routeTableId));
      if (!route) return;
      if (targetId && routeTargetId(route) !== targetId) {
        ctx.progress(`${destination} in ${routeTableId} now points at ${routeTargetId(route)}, not ${targetId}: left in place`);
        return;
      }
      await removeIdempotently(
        ctx,
        'DeleteRoute',
        (abortSignal) =>
          ctx.aws.ec2Once.send(new DeleteRouteCommand({ RouteTableId: routeTableId, DestinationCidrBlock: destination }), { abortSignal }),
        ['InvalidRoute.NotFound', 'InvalidRouteTableID.NotFound'],
      );
      inventoryOf(ctx).network.routeDeleted(routeTableId, destination);
    },

    destroyPreview(ctx, outputs) {
      const rt = outputs.routeTableId ?? ctx.ref(spec.routeTableStepId, 'routeTableId', spec.routeTablePlaceholder);
      return {
        summary: `Delete route ${destination} from ${spec.routeTableName} (${rt})`,
        cli: [`aws ec2 delete-route --route-table-id ${rt} --destination-cidr-block ${destination}`],
      };
    },
  };
}
