import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../src/aws/errors.js';
import { CredentialsError, getIdentity, knownIdentity } from '../../src/aws/identity.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { stsAnswering } from '../helpers/fake-sts.js';

function sdkError(name: string, message: string, status?: number): Error {
  return Object.assign(new Error(message), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('getIdentity', () => {
  it('answers the account, ARN, region and endpoint', async () => {
    const identity = await getIdentity(stsAnswering({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/moto' }));
    expect(identity).toEqual({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/moto', region: 'us-east-2', endpoint: 'http://127.0.0.1:4566' });
  });

  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers', undefined, /^No usable AWS credentials were found: Could not load credentials from any providers \(CredentialsProviderError\)\./, /aws configure/],
    ['ExpiredToken', 'The security token included in the request is expired', 403, /^The AWS credentials have expired: The security token/, /refresh them/],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.', 403, /^AWS refused the credentials: The security token included in the request is invalid \(InvalidClientTokenId\)\./, /replace the key/],
  ])('%s becomes a CredentialsError: what, where, fix; exit 2; still classified as auth', async (name, message, status, what, fix) => {
    const error = await errorOf(getIdentity(stsAnswering(sdkError(name, message, status))));
    expect(error).toBeInstanceOf(CredentialsError);
    const text = (error as Error).message;
    expect(text).toMatch(what);
    expect(text).toMatch(/\n {2}where: asking who these credentials are \(STS GetCallerIdentity\) at http:\/\/127\.0\.0\.1:4566 in us-east-2, before any change\n/);
    expect(text).toMatch(new RegExp(`\\n  fix: .*${fix.source}.* Nothing was changed\\.$`));
    expect(exitCodeFor(error).code).toBe(2);
    expect(classifyAwsError(error)).toMatchObject({ kind: 'auth', code: name });
  });

  it('asks STS once per set of clients; a refused answer is asked again next time', async () => {
    let asked = 0;
    let answer: unknown = sdkError('ExpiredToken', 'The security token included in the request is expired', 403);
    const clients = stsAnswering(undefined);
    (clients as unknown as { sts: { send: () => Promise<unknown> } }).sts.send = async () => {
      asked += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    };
    expect(knownIdentity(clients)).toBeUndefined();
    expect(await errorOf(getIdentity(clients))).toBeInstanceOf(CredentialsError);
    answer = { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/moto' };
    const first = await getIdentity(clients);
    const second = await getIdentity(clients);
    expect(asked).toBe(2);
    expect(second).toBe(first);
    expect(knownIdentity(clients)?.account).toBe('123456789012');
    expect(knownIdentity(stsAnswering(answer))).toBeUndefined();
  });

  it('passes other failures through as they are (a network error is not bad input)', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(await errorOf(getIdentity(stsAnswering(refused)))).toBe(refused);
    const throttled = sdkError('Throttling', 'Rate exceeded', 400);
    expect(await errorOf(getIdentity(stsAnswering(throttled)))).toBe(throttled);
  });
});
