import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { collect, runCli, spawnCli } from '../helpers/cli.js';
import { freeLoopbackPort } from '../../src/sandbox/moto.js';
import type { LabMap } from '../../src/sandbox/lab-map.js';

/** `aws-runbook sandbox serve --lab FILE`, through the built CLI (`npm run build` first; npm test does). */

async function labFile(contents: string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'awsrb-serve-lab-'));
  const path = join(dir, 'lab.json');
  await writeFile(path, contents);
  return { dir, path };
}

describe('sandbox serve --lab', () => {
  it('serves answers showing the lab’s hosts', async () => {
    const lab: LabMap = { instances: { 'compute.gitlab': { privateIp: '10.200.1.10' } }, rds: { address: '10.200.3.30', port: 3306 } };
    const { dir, path } = await labFile(JSON.stringify(lab));
    const port = await freeLoopbackPort();
    const child = spawnCli(['sandbox', 'serve', '--port', String(port), '--lab', path], { cwd: dir });
    const done = collect(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ec2 = new EC2Client({ region: 'us-east-2', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('Press Ctrl-C') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toContain('Lab map: 1 instance(s) (compute.gitlab), RDS endpoint 10.200.3.30:3306');
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws-runbook:step', Value: 'compute.gitlab' }] }],
        }),
      );
      const id = run.Instances![0]!.InstanceId!;
      const described = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(described.Reservations?.[0]?.Instances?.[0]?.PrivateIpAddress).toBe('10.200.1.10');
    } finally {
      ec2.destroy();
      child.kill('SIGINT');
    }
    expect((await done).code).toBe(0);
  }, 40_000);

  it('a bad file exits 2 with what is wrong, before starting anything, never quoting the file', async () => {
    const invalid = await labFile(JSON.stringify({ instances: { 'compute.gitlab': { privateIp: 'gitlab.internal' } }, secrets: { db: 'hunter2-secret' } }));
    const shape = await runCli(['sandbox', 'serve', '--lab', invalid.path], { cwd: invalid.dir });
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain(`--lab: The lab map from ${invalid.path} is not valid`);
    expect(shape.stderr).toContain('must be an IPv4 literal such as 10.0.1.10 (not a name)');
    expect(shape.stdout).not.toContain('Sandbox serving');

    const internet = await labFile(JSON.stringify({ instances: { 'compute.gitlab': { privateIp: '10.3.1.10', publicIp: '93.184.215.14' } } }));
    const outside = await runCli(['sandbox', 'serve', '--lab', internet.path], { cwd: internet.dir });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("must be a lab address: loopback or the lab's own ranges (127.0.0.0/8, 10.0.0.0/8, 198.51.100.0/24, 203.0.113.0/24), never an internet address");
    expect(outside.stderr).toContain('→ at instances["compute.gitlab"].publicIp');
    expect(outside.stdout).not.toContain('Sandbox serving');

    const broken = await labFile('{"secrets": {"db": "hunter2-secret"},,}');
    const json = await runCli(['sandbox', 'serve', '--lab', broken.path], { cwd: broken.dir });
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/cannot be read: it is not valid JSON \(line 1, column \d+\)/);

    const missing = await runCli(['sandbox', 'serve', '--lab', join(broken.dir, 'nope.json')], { cwd: broken.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json cannot be read \(ENOENT\)/);

    for (const result of [shape, json, missing]) expect(result.stderr + result.stdout).not.toContain('hunter2');
  }, 40_000);
});
