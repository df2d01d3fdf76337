import { randomUUID } from 'node:crypto';
import type { RequestIdentity } from './request-identity.js';

export type FaultKind = 'throttle' | 'server-error' | 'drop-response' | 'permission-denied' | 'quota-exceeded';

/** The faults answered by the gateway itself, without forwarding to moto. */
export type AnsweredFaultKind = Exclude<FaultKind, 'drop-response'>;

export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface AwsError {
  status: number;
  code: string;
  message: string;
  /** Query-protocol `<Type>`: whose fault it is. */
  type: 'Sender' | 'Receiver';
}

/** moto's default account; the principal named in permission errors. */
const SANDBOX_PRINCIPAL = 'arn:aws:iam::123456789012:user/moto';

const quotaErrors: Record<string, { code: string; message: string }> = {
  'ec2:CreateVpc': { code: 'VpcLimitExceeded', message: 'The maximum number of VPCs has been reached.' },
  'ec2:AllocateAddress': { code: 'AddressLimitExceeded', message: 'The maximum number of addresses has been reached.' },
  'ec2:RunInstances': {
    code: 'InstanceLimitExceeded',
    message: 'You have requested more instances than your current instance limit allows for the specified instance type.',
  },
  'ec2:CreateSubnet': { code: 'SubnetLimitExceeded', message: 'The maximum number of subnets has been reached.' },
  'ec2:CreateSecurityGroup': {
    code: 'SecurityGroupLimitExceeded',
    message: 'The maximum number of security groups has been reached.',
  },
  'ec2:CreateNatGateway': { code: 'NatGatewayLimitExceeded', message: 'The maximum number of NAT gateways has been reached.' },
  'rds:CreateDBInstance': {
    code: 'InstanceQuotaExceeded',
    message: 'Cannot create more than the allowed number of DB instances for this account.',
  },
  's3:CreateBucket': { code: 'TooManyBuckets', message: 'You have attempted to create more buckets than allowed.' },
};

function awsErrorFor(kind: AnsweredFaultKind, identity: RequestIdentity): AwsError {
  const { protocol, service, action } = identity;
  switch (kind) {
    case 'throttle':
      if (protocol === 'ec2') return { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.', type: 'Sender' };
      if (protocol === 's3') return { status: 503, code: 'SlowDown', message: 'Please reduce your request rate.', type: 'Sender' };
      if (protocol === 'json') return { status: 400, code: 'ThrottlingException', message: 'Rate exceeded', type: 'Sender' };
      return { status: 400, code: 'Throttling', message: 'Rate exceeded', type: 'Sender' };
    case 'server-error':
      return {
        status: 500,
        code: 'InternalError',
        message: protocol === 's3' ? 'We encountered an internal error. Please try again.' : 'An internal error has occurred',
        type: 'Receiver',
      };
    case 'permission-denied': {
      const denied = `User: ${SANDBOX_PRINCIPAL} is not authorized to perform: ${service}:${action} because no identity-based policy allows the ${service}:${action} action`;
      if (protocol === 'ec2') {
        return {
          status: 403,
          code: 'UnauthorizedOperation',
          message: `You are not authorized to perform this operation. ${denied}.`,
          type: 'Sender',
        };
      }
      if (protocol === 's3') return { status: 403, code: 'AccessDenied', message: 'Access Denied', type: 'Sender' };
      // JSON-protocol services (Secrets Manager, SSM) name it AccessDeniedException, with HTTP 400.
      if (protocol === 'json') return { status: 400, code: 'AccessDeniedException', message: denied, type: 'Sender' };
      return { status: 403, code: 'AccessDenied', message: denied, type: 'Sender' };
    }
    case 'quota-exceeded': {
      const known = quotaErrors[`${service}:${action}`];
      return {
        status: 400,
        code: known?.code ?? 'ResourceLimitExceeded',
        message: known?.message ?? `The limit for this resource has been exceeded (${action}).`,
        type: 'Sender',
      };
    }
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The answer real AWS gives for this fault, in the request's protocol, so the SDK classifies it as it would in AWS. */
export function faultResponse(kind: AnsweredFaultKind, identity: RequestIdentity): CannedResponse {
  return errorResponse(awsErrorFor(kind, identity), identity);
}

/** An AWS error answer in the request's protocol. */
export function errorResponse(error: AwsError, identity: Pick<RequestIdentity, 'protocol'>): CannedResponse {
  const requestId = randomUUID();
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  switch (identity.protocol) {
    case 'ec2':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
          `<RequestID>${requestId}</RequestID></Response>`,
      };
    case 's3':
      return {
        status: error.status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
          `<RequestId>${requestId}</RequestId><HostId>sandbox</HostId></Error>`,
      };
    case 'json':
      return {
        status: error.status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'query':
    case 'unknown':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse><Error><Type>${error.type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}
