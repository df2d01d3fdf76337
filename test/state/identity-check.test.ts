import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialsError } from '../../src/aws/identity.js';
import { refuseWrongIdentity } from '../../src/state/identity-check.js';
import { emptyState } from '../../src/state/schema.js';
import { StateError } from '../../src/state/store.js';
import { stsAnswering } from '../helpers/fake-sts.js';

const MOTO = { Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/moto' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'awsrb-identity-check-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeStateOf(account: string): Promise<Buffer> {
  await writeFile(join(dir, 'state.json'), JSON.stringify({ ...emptyState('bfhk', 'us-east-2'), account }));
  return readFile(join(dir, 'state.json'));
}

describe('refuseWrongIdentity (before a writing run opens its state directory)', () => {
  it('lets a run go on with working credentials and no state, or the state of the same account', async () => {
    await expect(refuseWrongIdentity(stsAnswering(MOTO), join(dir, 'absent'))).resolves.toBeUndefined();
    await writeStateOf('123456789012');
    await expect(refuseWrongIdentity(stsAnswering(MOTO), dir)).resolves.toBeUndefined();
  });

  it('refuses the state of another account, naming both accounts, the file and the fix, and leaves it as it was', async () => {
    const before = await writeStateOf('111122223333');
    const error = await refuseWrongIdentity(stsAnswering(MOTO), dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).what).toMatch(/recorded for AWS account 111122223333, but these credentials are for account 123456789012 \(arn:aws:iam::123456789012:user\/moto\)/);
    expect((error as StateError).file).toBe(join(dir, 'state.json'));
    expect((error as StateError).fix).toMatch(/account 111122223333 \(--profile\), or --state DIR.*left untouched/);
    expect(await readFile(join(dir, 'state.json'))).toEqual(before);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('refuses credentials that do not work, before reading anything', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    await expect(refuseWrongIdentity(stsAnswering(missing), join(dir, 'absent'))).rejects.toBeInstanceOf(CredentialsError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves other failures (AWS not answering) to the run, which asks again and reports them', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    await writeStateOf('111122223333');
    await expect(refuseWrongIdentity(stsAnswering(refused), dir)).resolves.toBeUndefined();
  });
});
