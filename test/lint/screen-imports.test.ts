import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

async function lint(code: string, filePath: string) {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('the screens import rule', () => {
  it.each([
    ["import { EC2Client } from '@aws-sdk/client-ec2';", /never call AWS/],
    ["import { NodeSSH } from 'node-ssh';", /never run SSH/],
    ["import { execa } from 'execa';", /never run SSH or processes/],
  ])('refuses %s in src/screens', async (line, message) => {
    const messages = await lint(`${line}\nexport const x = 1;\n`, 'src/screens/Bad.tsx');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  it('allows the same import outside src/screens, and engine types inside', async () => {
    expect(await lint("import { EC2Client } from '@aws-sdk/client-ec2';\nexport const x = EC2Client;\n", 'src/tasks/ok.ts')).toEqual([]);
    expect(await lint("import type { RunView } from '../engine/reducer.js';\nexport type X = RunView;\n", 'src/screens/Ok.tsx')).toEqual([]);
  });
});
