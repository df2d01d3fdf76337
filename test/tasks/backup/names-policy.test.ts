import { describe, expect, it } from 'vitest';
import { backupObjectKey, backupRoleName, isDatabaseName } from '../../../src/tasks/backup/names.js';
import { decodePolicyDocument, putDumpsPolicy, samePolicy, trustPolicy } from '../../../src/tasks/backup/policy.js';
import { testConfig } from '../../helpers/moto.js';

describe('backup object keys', () => {
  it('are backups/<database>/<UTC ISO time>.sql.gz and sort by date as plain strings', () => {
    expect(backupObjectKey('shop', new Date(Date.UTC(2026, 10, 25, 3, 7, 9, 42)))).toBe('backups/shop/2026-11-25T03:07:09.042Z.sql.gz');
    const dates = [new Date(Date.UTC(2027, 0, 1)), new Date(Date.UTC(2026, 8, 30, 23, 59, 59, 999)), new Date(Date.UTC(2026, 9, 1, 0, 0, 0, 1))];
    const keys = dates.map((d) => backupObjectKey('shop', d));
    expect([...keys].sort()).toEqual([...dates].sort((a, b) => a.getTime() - b.getTime()).map((d) => backupObjectKey('shop', d)));
  });

  it('refuse a name that could read as an option or leave the prefix', () => {
    for (const bad of ['-shop', '', 'a/b', '../x', 'a b', "x'y", 'x'.repeat(65)]) {
      expect(isDatabaseName(bad), bad).toBe(false);
      expect(() => backupObjectKey(bad, new Date())).toThrow(/not a database name/);
    }
    for (const good of ['shop', 'wordpress', 'Database1BFHK', 'my-db_2', 'x'.repeat(64)]) expect(isDatabaseName(good), good).toBe(true);
  });
});

describe('backupRoleName', () => {
  it('names the project and the region (IAM is global, the bucket is per region)', () => {
    expect(backupRoleName(testConfig())).toBe('aws-runbook-bfhk-us-east-2-db-backup');
    expect(backupRoleName(testConfig(), 'eu-west-3')).toBe('aws-runbook-bfhk-eu-west-3-db-backup');
  });
  it('fits IAM’s 64 characters with the longest valid suffix and region, and refuses what does not', () => {
    expect(backupRoleName(testConfig({ suffix: 'ABCDEFGHIJKL' }), 'ap-southeast-3').length).toBeLessThanOrEqual(64);
    expect(() => backupRoleName({ ...testConfig(), suffix: 'X'.repeat(40) }, 'ap-southeast-3')).toThrow(/not a valid IAM role name/);
  });
});

describe('the backup role policies', () => {
  const wanted = putDumpsPolicy('b1');

  it('allow only PutObject on the backups/ prefix of the bucket, for EC2 only', () => {
    expect(wanted.Statement).toEqual([{ Sid: 'PutDbDumps', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b1/backups/*' }]);
    expect(trustPolicy().Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
  });

  it('compare by meaning: a one-element list is the string, the Sid is a label, statements in any order', () => {
    expect(samePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::b1/backups/*'] }] }, wanted)).toBe(true);
    expect(samePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b1/backups/*' } }, wanted)).toBe(true);
    expect(samePolicy({ Version: '2012-10-17', Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: ['ec2.amazonaws.com'] }, Effect: 'Allow' }] }, trustPolicy())).toBe(true);
  });

  it('see any widening or narrowing as different', () => {
    const base = { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b1/backups/*' };
    const variants = [
      { ...base, Action: ['s3:PutObject', 's3:GetObject'] },
      { ...base, Action: 's3:*' },
      { ...base, Resource: 'arn:aws:s3:::b1/*' },
      { ...base, Resource: 'arn:aws:s3:::other/backups/*' },
      { ...base, Effect: 'Deny' },
      { ...base, Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
    ];
    for (const statement of variants) expect(samePolicy({ Version: '2012-10-17', Statement: [statement] }, wanted), JSON.stringify(statement)).toBe(false);
    expect(samePolicy({ Version: '2012-10-17', Statement: [base, { ...base, Action: 's3:DeleteObject' }] }, wanted)).toBe(false);
    expect(samePolicy({ Version: '2008-10-17', Statement: [base] }, wanted)).toBe(false);
    expect(samePolicy(undefined, wanted)).toBe(false);
  });

  it('decode IAM’s URL-encoded documents, plain JSON too, and nothing else', () => {
    const json = JSON.stringify(wanted);
    expect(decodePolicyDocument(encodeURIComponent(json))).toEqual(wanted);
    expect(decodePolicyDocument(json)).toEqual(wanted);
    expect(decodePolicyDocument('%E0%A4%A')).toBeUndefined();
    expect(decodePolicyDocument(undefined)).toBeUndefined();
  });
});
