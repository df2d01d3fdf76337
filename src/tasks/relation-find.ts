import type { RouteTable, Tag } from '@aws-sdk/client-ec2';
import { TAG_PROJECT, tagValue } from '../aws/tags.js';
import type { StepContext } from '../engine/types.js';
import type { NetworkInventory } from './inventory/network.js';
import { inventoryOf } from './inventory/of-context.js';

/**
 * How the finds of the network's relation steps start (a subnet's association and a route live in a route
 * table, an attachment in its internet gateway; a route table lives in its VPC): the ids they need from
 * the steps they need, then what the plan's inventory holds. A find that gets `undefined` here answers ABSENT.
 */

/** An output a find reads from a step it needs: that step's id and the output's key. */
export type NeededOutput = readonly [stepId: string, key: string];

/**
 * The outputs a find reads from the steps it needs, under the names the find gives them; undefined when
 * one is missing: that step has not run (or lost its resource), so nothing that hangs on it can exist yet.
 */
export function neededOutputs<K extends string>(ctx: StepContext, needs: Record<K, NeededOutput>): Record<K, string> | undefined {
  const values = {} as Record<K, string>;
  for (const name of Object.keys(needs) as K[]) {
    const [stepId, key] = needs[name];
    const value = ctx.output(stepId, key);
    if (!value) return undefined;
    values[name] = value;
  }
  return values;
}

/** The resource a relation lives in, as the plan's inventory has it, with the ids the find needed. */
export interface RelationHolder<K extends string, T> {
  ids: Record<K, string>;
  holder: T;
  /** The relation is ours when what holds it carries our project's tag. */
  ours: boolean;
  /** The plan's network inventory the holder came from, for the rest of the find. */
  network: NetworkInventory;
}

/**
 * The needed outputs, then the resource holding the relation (`holderOf`, read from the plan's network
 * inventory); undefined when an output is missing or that resource is gone.
 */
export async function relationHolder<K extends string, T extends { Tags?: Tag[] }>(
  ctx: StepContext,
  needs: Record<K, NeededOutput>,
  holderOf: (network: NetworkInventory, ids: Record<K, string>) => Promise<T | undefined>,
): Promise<RelationHolder<K, T> | undefined> {
  const ids = neededOutputs(ctx, needs);
  if (!ids) return undefined;
  const network = inventoryOf(ctx).network;
  const holder = await holderOf(network, ids);
  if (!holder) return undefined;
  return { ids, holder, ours: tagValue(holder.Tags, TAG_PROJECT) === ctx.project, network };
}

/**
 * A relation held by a route table (an association, a route): the table's id from its step's
 * `routeTableId`, the other ids from `others`, then the table.
 */
export function inRouteTable<K extends string>(
  ctx: StepContext,
  routeTableStepId: string,
  others: Record<K, NeededOutput>,
): Promise<RelationHolder<K | 'routeTableId', RouteTable> | undefined> {
  const needs = { routeTableId: [routeTableStepId, 'routeTableId'], ...others } as Record<K | 'routeTableId', NeededOutput>;
  return relationHolder(ctx, needs, (network, ids) => network.routeTable(ids.routeTableId));
}
