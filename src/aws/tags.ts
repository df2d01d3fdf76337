import type { Filter, ResourceType, Tag, TagSpecification } from '@aws-sdk/client-ec2';

export const TAG_PROJECT = 'aws-runbook:project';
export const TAG_STEP = 'aws-runbook:step';

export interface AwsTag {
  Key: string;
  Value: string;
}

/** `TagSpecifications` for a create call: the resource is tagged in the same call that makes it. */
export function tagSpecifications(resourceType: ResourceType, tags: readonly AwsTag[]): TagSpecification[] {
  return [{ ResourceType: resourceType, Tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) }];
}

/** Filters selecting the resources of one step of one project. */
export function stepTagFilters(project: string, stepId: string): Filter[] {
  return [
    { Name: `tag:${TAG_PROJECT}`, Values: [project] },
    { Name: `tag:${TAG_STEP}`, Values: [stepId] },
  ];
}

/** Filter on the Name tag. */
export function nameTagFilter(name: string): Filter {
  return { Name: 'tag:Name', Values: [name] };
}

/** The value of one tag, or undefined. */
export function tagValue(tags: readonly Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}
