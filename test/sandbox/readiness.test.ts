import { describe, expect, it } from 'vitest';
import { ReadinessModel } from '../../src/sandbox/readiness.js';
import { buildXmlAnswer, parseXmlAnswer } from '../../src/sandbox/xml-answer.js';
import { stampImageCreationDates } from '../../src/sandbox/image-dates.js';
import { idempotentCallOf } from '../../src/sandbox/idempotency.js';
import { fakeAuthorization } from './clients.js';

const NAT_ANSWER = (id: string, state: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<DescribeNatGatewaysResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><natGatewaySet>` +
  `<item><natGatewayId>${id}</natGatewayId><state>${state}</state><tagSet><item><key>Name</key><value>a &amp; b &lt;c&gt;</value></item></tagSet></item>` +
  `<item><natGatewayId>nat-other</natGatewayId><state>available</state><tagSet/></item>` +
  `</natGatewaySet><requestId>request-id</requestId></DescribeNatGatewaysResponse>`;

describe('xml answers', () => {
  it('round-trip through the parser and builder unchanged, entities, empty elements and declaration line included', () => {
    const text = NAT_ANSWER('nat-1', 'available');
    expect(buildXmlAnswer(parseXmlAnswer(text)!, text)).toBe(text);
  });

  it('refuse what is not well-formed XML', () => {
    expect(parseXmlAnswer('<a><b></a>')).toBeUndefined();
    expect(parseXmlAnswer('{"json": true}')).toBeUndefined();
    expect(parseXmlAnswer('')).toBeUndefined();
  });
});

describe('ReadinessModel', () => {
  const created = `<CreateNatGatewayResponse><natGateway><natGatewayId>nat-1</natGatewayId><state>available</state></natGateway></CreateNatGatewayResponse>`;

  it('shows only the young, tracked resource as pending, everything else as moto wrote it', () => {
    const model = new ReadinessModel();
    model.observe('CreateNatGateway', created, 1_000);
    const rewritten = model.rewrite('DescribeNatGateways', NAT_ANSWER('nat-1', 'available'), 1_500, 0.01);
    expect(rewritten).toBe(NAT_ANSWER('nat-1', 'available').replace('<state>available</state>', '<state>pending</state>'));
    expect(model.readyAt('natGateway', 'nat-1', 0.01)).toBe(1_000 + 1_200);
    expect(model.rewrite('DescribeNatGateways', NAT_ANSWER('nat-1', 'available'), 2_200, 0.01)).toBeUndefined();
  });

  it('passes through: scale 0, other actions, a state moto says is not ready-state, unparsable answers', () => {
    const model = new ReadinessModel();
    model.observe('CreateNatGateway', created, 1_000);
    expect(model.rewrite('DescribeNatGateways', NAT_ANSWER('nat-1', 'available'), 1_001, 0)).toBeUndefined();
    expect(model.rewrite('DescribeVpcs', NAT_ANSWER('nat-1', 'available'), 1_001, 1)).toBeUndefined();
    expect(model.rewrite('DescribeNatGateways', NAT_ANSWER('nat-1', 'deleted'), 1_001, 1)).toBeUndefined();
    expect(model.rewrite('DescribeNatGateways', '<broken><natGatewayId>nat-1</broken>', 1_001, 1)).toBeUndefined();
    model.observe('CreateNatGateway', 'not xml', 1_000); // ignored, no throw
  });

  it('starts a peering clock on acceptance, not on the request', () => {
    const model = new ReadinessModel();
    const peering = (code: string) => `<R><vpcPeeringConnection><status><code>${code}</code><message>x</message></status><vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId></vpcPeeringConnection></R>`;
    model.observe('CreateVpcPeeringConnection', peering('initiating-request'), 0);
    expect(model.rewrite('AcceptVpcPeeringConnection', peering('active'), 1, 1)).toBeUndefined();
    model.observe('AcceptVpcPeeringConnection', peering('active'), 0);
    expect(model.rewrite('AcceptVpcPeeringConnection', peering('active'), 1, 1)).toContain('<code>provisioning</code><message>Provisioning</message>');
  });
});

describe('stampImageCreationDates', () => {
  it('sets the seeded dates and leaves other images alone', () => {
    const answer = `<DescribeImagesResponse><imagesSet><item><imageId>ami-1</imageId><creationDate>2026-01-01T00:00:00.000Z</creationDate></item><item><imageId>ami-2</imageId><creationDate>2026-01-01T00:00:00.000Z</creationDate></item></imagesSet></DescribeImagesResponse>`;
    const stamped = stampImageCreationDates(answer, { 'ami-1': '2025-01-15T09:12:43.000Z' });
    expect(stamped).toBe(answer.replace('2026-01-01T00:00:00.000Z', '2025-01-15T09:12:43.000Z'));
    expect(stampImageCreationDates(answer, { 'ami-9': 'x' })).toBeUndefined();
  });
});

describe('idempotentCallOf', () => {
  const identity = { service: 'ec2', action: 'RunInstances', mutating: true, protocol: 'ec2' as const };
  const headers = { authorization: fakeAuthorization('ec2') };

  it('keys by token and compares every other parameter, in any order', () => {
    const a = idempotentCallOf(identity, headers, Buffer.from('Action=RunInstances&ClientToken=t&ImageId=ami-1&MaxCount=1'));
    const b = idempotentCallOf(identity, headers, Buffer.from('MaxCount=1&ImageId=ami-1&Action=RunInstances&ClientToken=t'));
    const c = idempotentCallOf(identity, headers, Buffer.from('Action=RunInstances&ClientToken=t&ImageId=ami-2&MaxCount=1'));
    expect(a?.key).toBe(b?.key);
    expect(a?.parameters).toBe(b?.parameters);
    expect(c?.key).toBe(a?.key);
    expect(c?.parameters).not.toBe(a?.parameters);
  });

  it('ignores calls without a token and actions it does not cover', () => {
    expect(idempotentCallOf(identity, headers, Buffer.from('Action=RunInstances&ImageId=ami-1'))).toBeUndefined();
    expect(idempotentCallOf({ ...identity, action: 'CreateVpc' }, headers, Buffer.from('Action=CreateVpc&ClientToken=t'))).toBeUndefined();
  });
});
