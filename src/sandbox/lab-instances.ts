import type { LabInstance } from './lab-map.js';
import { isNode, textOf, xmlObjects, type XmlNode } from './xml-answer.js';

/**
 * An EC2 instance's addresses in a parsed RunInstances/DescribeInstances answer, set to its lab host's:
 * the instance's own elements and those of its primary network interface. moto's public address is
 * removed when the lab gives none (a private-subnet host has none, and the tool must never be shown an
 * address moto invented: it might try to reach it).
 */

export const STEP_TAG = 'aws-runbook:step';

/** Items of a repeated element: one `<item>` parses to an object, several to an array, none to ''. */
export function itemsOf(set: unknown): XmlNode[] {
  if (!isNode(set)) return [];
  const item = set.item;
  if (Array.isArray(item)) return item.filter(isNode);
  return isNode(item) ? [item] : [];
}

/** The instance elements of an instance answer (those carrying an instanceId and an instanceState). */
export function* instanceNodes(tree: unknown): Generator<XmlNode> {
  for (const node of xmlObjects(tree)) {
    if (textOf(node, 'instanceId') !== undefined && isNode(node.instanceState)) yield node;
  }
}

/** The instance's `aws-runbook:step` tag value, if it has one. */
export function stepTagOf(instance: XmlNode): string | undefined {
  const tag = itemsOf(instance.tagSet).find((item) => textOf(item, 'key') === STEP_TAG);
  return tag === undefined ? undefined : (textOf(tag, 'value') ?? '');
}

/**
 * `ip-10-0-1-4.us-east-2.compute.internal` with another address: AWS names hosts after their IP in the
 * first label; a name of any other shape is kept.
 */
function renamed(name: string | undefined, ip: string): string | undefined {
  if (name === undefined) return undefined;
  const dot = name.indexOf('.');
  const first = dot === -1 ? name : name.slice(0, dot);
  const match = /^(ip|ec2)-\d+-\d+-\d+-\d+$/.exec(first);
  if (!match) return name;
  return `${match[1]}-${ip.replaceAll('.', '-')}${dot === -1 ? '' : name.slice(dot)}`;
}

function setRenamed(node: XmlNode, key: string, ip: string): void {
  const name = renamed(textOf(node, key), ip);
  if (name !== undefined) node[key] = name;
}

/** A public-address association element for `publicIp`, or undefined when there is no public address. */
function association(existing: unknown, publicIp: string | undefined): XmlNode | undefined {
  if (publicIp === undefined) return undefined;
  const kept: XmlNode = isNode(existing) ? { ...existing } : {};
  setRenamed(kept, 'publicDnsName', publicIp);
  kept.publicIp = publicIp;
  return kept;
}

/** The primary interface: device index 0, else the first one. */
function primaryInterface(instance: XmlNode): XmlNode | undefined {
  const interfaces = itemsOf(instance.networkInterfaceSet);
  return interfaces.find((eni) => isNode(eni.attachment) && textOf(eni.attachment, 'deviceIndex') === '0') ?? interfaces[0];
}

function applyToInterface(eni: XmlNode, lab: LabInstance): void {
  eni.privateIpAddress = lab.privateIp;
  setRenamed(eni, 'privateDnsName', lab.privateIp);
  // moto writes an empty <association/> on an interface without a public address
  eni.association = association(eni.association, lab.publicIp) ?? '';
  for (const address of itemsOf(eni.privateIpAddressesSet)) {
    if (textOf(address, 'primary') !== 'true') continue;
    address.privateIpAddress = lab.privateIp;
    setRenamed(address, 'privateDnsName', lab.privateIp);
    const publicAssociation = association(address.association, lab.publicIp);
    if (publicAssociation) address.association = publicAssociation;
    else delete address.association;
  }
}

/** Put the lab host's addresses on one instance element. */
export function applyLabAddresses(instance: XmlNode, lab: LabInstance): void {
  instance.privateIpAddress = lab.privateIp;
  setRenamed(instance, 'privateDnsName', lab.privateIp);
  if (lab.publicIp !== undefined) {
    instance.ipAddress = lab.publicIp;
    setRenamed(instance, 'dnsName', lab.publicIp);
  } else {
    delete instance.ipAddress;
    delete instance.dnsName;
  }
  const eni = primaryInterface(instance);
  if (eni) applyToInterface(eni, lab);
}
