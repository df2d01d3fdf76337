import type { ClassifiedError, ErrorKind } from '../errors/error-kinds.js';
import { quotaFor } from './quotas.js';
import { HintedError } from '../errors/hinted-error.js';

/**
 * Thrown by tasks when what exists in AWS is not what was wanted and apply must not touch it
 * (two resources carry one step's tags, a route points at another gateway, ...).
 */
export class RunbookConflictError extends HintedError {
  override readonly name = 'RunbookConflict';
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const GENERIC_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'DOMException']);

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The AWS error code of an SDK v3 exception (`InvalidVpcID.NotFound`, `UnauthorizedOperation`), or a
 * Node network code (`ECONNREFUSED`), or the error's own name. RDS exception class names end in
 * `Fault` (DBInstanceNotFoundFault); that suffix is kept here and ignored when matching.
 */
export function awsErrorCode(error: unknown): string | undefined {
  const e = shape(error);
  const wire = str(e.Code);
  if (wire) return wire;
  const name = str(e.name);
  if (name && !GENERIC_NAMES.has(name) && name !== 'TimeoutError') return name;
  return str(e.code) ?? name;
}

function withoutFault(code: string): string {
  return code.endsWith('Fault') ? code.slice(0, -'Fault'.length) : code;
}

/** Whether the error carries one of these AWS error codes (exception name or wire code; RDS `Fault` suffix optional). */
export function isAwsErrorCode(error: unknown, ...codes: string[]): boolean {
  const e = shape(error);
  const candidates = [str(e.Code), str(e.name), str(e.code)].filter((c): c is string => c !== undefined);
  return candidates.some((c) => codes.includes(c) || codes.includes(withoutFault(c)));
}

function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const AUTH = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidClientTokenId',
  'AuthFailure',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'TokenRefreshRequired',
]);
const PERMISSION = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'Forbidden', 'OptInRequired', 'Blocked']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'TooManyRequests',
  'TooManyRequestsException',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'BandwidthLimitExceeded',
]);
const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'OperationAborted',
  'InsufficientInstanceCapacity',
  'InsufficientAddressCapacity',
  'InsufficientDBInstanceCapacity',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'TimeoutError',
]);
const INVALID = new Set([
  'InvalidParameterValue',
  'InvalidParameter',
  'InvalidParameterCombination',
  'MissingParameter',
  'ValidationError',
  'ValidationException',
  'InvalidRequest',
  'UnsupportedOperation',
  'MalformedPolicyDocument',
  'InvalidInput',
]);

function isNetwork(e: ErrorShape): string | undefined {
  const code = str(e.code);
  if (code && NETWORK.has(code)) return code;
  const name = str(e.name);
  if (name && NETWORK.has(name)) return name;
  if (/socket hang up/i.test(str(e.message) ?? '')) return 'ECONNRESET';
  return undefined;
}

function matchKind(code: string, status: number | undefined, fault: string | undefined): ErrorKind {
  const c = withoutFault(code);
  if (AUTH.has(c)) return 'auth';
  if (PERMISSION.has(c) || c.startsWith('AccessDenied')) return 'permission';
  if (THROTTLED.has(c)) return 'throttled';
  if (/LimitExceeded$|QuotaExceeded|^TooManyBuckets$/.test(c)) return 'quota';
  if (
    /AlreadyExists|Duplicate|AlreadyAssociated|AlreadyOwnedByYou|Conflict|^DependencyViolation$|IncorrectState|IncorrectInstanceState|^InvalidState|^Invalid.*State$/.test(
      c,
    )
  )
    return 'conflict';
  if (TRANSIENT.has(c)) return 'transient';
  if (/NotFound|^NoSuch/.test(c)) return 'not-found';
  if (INVALID.has(c) || /^Invalid/.test(c) || /^Unsupported/.test(c)) return 'invalid';
  if (status === 429) return 'throttled';
  if ((status !== undefined && status >= 500) || fault === 'server') return 'transient';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  return 'unknown';
}

const RETRYABLE: ReadonlySet<ErrorKind> = new Set(['throttled', 'transient']);

/** What the IAM denial says: who, which action (from the message or the caller's context). */
function permissionHint(code: string, message: string, action: string | undefined): string {
  if (withoutFault(code) === 'OptInRequired') {
    return 'This account is not subscribed to the service or the region is not enabled: enable the region in the AWS console (Account → AWS Regions) or choose another --region, then rerun.';
  }
  const principal = /User: (arn:\S+?)[ ,]/.exec(message)?.[1];
  const denied = /(?:perform|authorized to perform): ([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1];
  const wanted = denied ?? (action ? (action.includes(':') ? action : `ec2:${action}`) : undefined);
  const who = principal ?? 'the identity shown by `aws sts get-caller-identity`';
  const grant = wanted
    ? `Grant ${wanted} to ${who} (an IAM policy statement with "Action": "${wanted}"), or rerun with a --profile that has it.`
    : `Grant the denied action to ${who} (see the message for which), or rerun with a --profile that has it.`;
  const encoded = /Encoded authorization failure message: (\S+)/.exec(message)?.[1];
  return encoded
    ? `${grant} For the full reason: aws sts decode-authorization-message --encoded-message ${encoded.slice(0, 16)}… (the whole string from the error).`
    : grant;
}

function authHint(code: string): string {
  switch (withoutFault(code)) {
    case 'CredentialsProviderError':
      return 'No AWS credentials were found: pass --profile NAME (`aws configure list-profiles` lists them), run `aws configure` or `aws sso login`, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; `aws sts get-caller-identity` must answer before rerunning.';
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'TokenRefreshRequired':
      return 'The session credentials have expired: refresh them (`aws sso login --profile NAME`, or new temporary keys), check with `aws sts get-caller-identity`, then rerun: the run resumes where it stopped.';
    case 'RequestExpired':
      return "The request's timestamp was refused: the system clock is probably off (sync it, e.g. `timedatectl set-ntp true`) or the session expired; then rerun.";
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignature':
      return 'The secret access key does not match the access key id (or the clock is off): re-enter the key pair with `aws configure --profile NAME` and check with `aws sts get-caller-identity`.';
    default:
      return 'The access key is not valid here (deleted, mistyped, or for another partition/region): check `aws sts get-caller-identity` with the same --profile and replace the key if it fails.';
  }
}

function quotaHint(code: string, region: string | undefined): string {
  const quota = quotaFor(withoutFault(code));
  const where = region ? ` in ${region}` : '';
  if (!quota) {
    return `An AWS service quota is reached${where}: open the Service Quotas console (https://console.aws.amazon.com/servicequotas/home) and request an increase for this resource, or delete unused ones; then rerun.`;
  }
  const regionFlag = region ? ` --region ${region}` : '';
  return (
    `The quota "${quota.name}" (${quota.serviceCode} ${quota.quotaCode}) is reached${where}: delete unused ${quota.resources}, ` +
    `or request more in the Service Quotas console (https://console.aws.amazon.com/servicequotas/home/services/${quota.serviceCode}/quotas/${quota.quotaCode}) ` +
    `or with \`aws service-quotas request-service-quota-increase --service-code ${quota.serviceCode} --quota-code ${quota.quotaCode} --desired-value N${regionFlag}\`; then rerun.`
  );
}

function conflictHint(code: string): string {
  const c = withoutFault(code);
  if (c === 'DependencyViolation') {
    return 'Something still uses this resource (instances, network interfaces, NAT gateways, other attachments): remove those first (`aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=<vpc>` lists what is left), or let `aws-runbook down` delete in order.';
  }
  if (/IncorrectState|IncorrectInstanceState|^InvalidState|State$/.test(c)) {
    return 'The resource is in the middle of another change: wait until it is available again (`aws-runbook status`, or the describe command for it), then rerun.';
  }
  return 'Something with this name or for this relation already exists and is not what this step wants: run `aws-runbook plan` to see whether it is ours (it will be adopted) or another one (rename or delete it, or change the suffix in the config).';
}

function networkHint(code: string, endpoint: string | undefined): string {
  const target = endpoint ? `the endpoint ${endpoint}` : 'AWS';
  if (code === 'ECONNREFUSED') {
    return `Nothing answers at ${target}: if you use --endpoint-url or --sandbox, check the emulator is running; otherwise check your network or proxy. Rerun afterwards: the step is looked up before anything is created again.`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `The name of ${target} does not resolve: check the network, DNS, the --region and --endpoint-url; then rerun.`;
  }
  return `The connection to ${target} failed or timed out: check the network and rerun; anything the interrupted call may have created is looked up (by its tags) before creating again.`;
}

function hintFor(kind: ErrorKind, code: string, message: string, context: ClassifyContext): string {
  switch (kind) {
    case 'auth':
      return authHint(code);
    case 'permission':
      return permissionHint(code, message, context.action);
    case 'quota':
      return quotaHint(code, context.region);
    case 'conflict':
      return conflictHint(code);
    case 'throttled':
      return 'AWS is rate-limiting this account: the tool backs off and retries on its own; if it persists, wait a minute and rerun (the run resumes where it stopped), or run fewer sections at once.';
    case 'transient':
      return NETWORK.has(code)
        ? networkHint(code, context.endpoint)
        : /Insufficient.*Capacity/.test(code)
          ? 'AWS has no capacity for this right now in this availability zone: rerun later, or pick another AZ letter or instance type in the config.'
          : 'AWS failed on its side (a temporary error): rerun; the step first looks for what the failed call may have created, so nothing is duplicated.';
    case 'not-found':
      return 'The resource no longer exists (deleted outside the tool, or in another region/account): run `aws-runbook plan` to see what is missing; `aws-runbook up` creates it again.';
    case 'invalid':
      return /AvailabilityZone|availabilityZone/.test(message)
        ? 'The availability zone is not offered here: change the AZ letter of this subnet in the config (aws ec2 describe-availability-zones lists them), then run `aws-runbook plan`.'
        : 'AWS rejected a parameter: fix the value named in the message in the config file, then run `aws-runbook plan` again.';
    case 'aborted':
      return 'Stopped on request. Run `aws-runbook up` again to resume: the step that was running is checked against AWS before anything is created again.';
    case 'unknown':
      return 'Unexpected error: rerun with --verbose for the details; `aws-runbook status` shows where the run stopped and rerunning resumes safely.';
  }
}

export interface ClassifyContext {
  /** The IAM action of the failed call, e.g. `ec2:CreateVpc` (a bare `CreateVpc` is taken as EC2). */
  action?: string;
  region?: string;
  endpoint?: string;
}

/** Turn any failure (SDK v3 exception, network error, abort, our own conflict) into an operator-facing classification. */
export function classifyAwsError(error: unknown, context: ClassifyContext = {}): ClassifiedError {
  const e = shape(error);
  const rawMessage = str(e.message) ?? (typeof error === 'string' ? error : String(error));

  if (error instanceof RunbookConflictError) {
    return { kind: 'conflict', code: error.name, message: oneLine(error.message), hint: error.hint, retryable: false };
  }
  // Our own input errors (a missing public key, an unset admin CIDR) carry the fix themselves.
  const own = error as { hint?: unknown; fix?: unknown; $metadata?: unknown } | null;
  const ownHint = own && typeof own === 'object' && own.$metadata === undefined ? (str(own.hint) ?? str(own.fix)) : undefined;
  if (ownHint) {
    return { kind: 'invalid', code: str(e.name) ?? 'InvalidInput', message: oneLine(rawMessage), hint: ownHint, retryable: false };
  }
  if (str(e.name) === 'AbortError' || str(e.code) === 'ABORT_ERR') {
    return { kind: 'aborted', code: 'AbortError', message: 'Stopped before the call finished.', hint: hintFor('aborted', 'AbortError', rawMessage, context), retryable: false };
  }
  const network = isNetwork(e);
  if (network) {
    return {
      kind: 'transient',
      code: network,
      message: oneLine(`${network}: ${rawMessage}`),
      hint: hintFor('transient', network, rawMessage, context),
      retryable: true,
    };
  }
  const code = awsErrorCode(error) ?? 'Error';
  const kind = matchKind(code, e.$metadata?.httpStatusCode, str(e.$fault));
  return {
    kind,
    code,
    message: oneLine(`${code}: ${rawMessage}`),
    hint: hintFor(kind, code, rawMessage, context),
    retryable: RETRYABLE.has(kind),
  };
}
