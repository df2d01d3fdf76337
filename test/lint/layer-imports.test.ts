import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The layer rules' messages for `code` linted as if it were the file at `filePath` (nothing is written). */
async function lint(code: string, filePath: string) {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: resolve(root, filePath) });
  const layerRules = ['no-restricted-imports', 'no-restricted-syntax'];
  return (result?.messages ?? []).filter((message) => layerRules.includes(message.ruleId ?? '')).map((message) => message.message);
}

describe('the layer import rules', () => {
  it.each([
    ['the check report from tasks', "import type { CheckReport } from '../tasks/checks/run-checks.js';\nexport type X = CheckReport;"],
    ['the runbook', "import { allSteps } from '../runbook/sections.js';\nexport const x = allSteps;"],
    ['a re-export of the app', "export { RunbookSession } from '../app/session.js';"],
    ['the screens', "import { App } from '../screens/App.js';\nexport const x = App;"],
    ['the CLI', "import { openSession } from '../cli/open-session.js';\nexport const x = openSession;"],
    ['the renderers', "import { formatPlan } from '../render/format-plan.js';\nexport const x = formatPlan;"],
    ['a dynamic import of the sandbox', "export const load = () => import('../sandbox/sandbox.js');"],
    ['an import type of the app', "export type X = import('../app/controller.js').SessionInfo;"],
  ])('refuses %s in src/engine', async (_what, code) => {
    const messages = await lint(code, 'src/engine/planted.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/The engine imports nothing from tasks, runbook, app/);
  });

  it.each([
    ['src/aws', 'the engine', "import type { AwsTag } from '../engine/types.js';\nexport type X = AwsTag;", 'src/aws/planted.ts'],
    ['src/state', 'the engine', "import { SECTION_IDS } from '../engine/types.js';\nexport const x = SECTION_IDS;", 'src/state/planted.ts'],
    ['src/ssh', 'the sandbox', "import { CONTROL_PREFIX } from '../sandbox/control-api.js';\nexport const x = CONTROL_PREFIX;", 'src/ssh/planted.ts'],
    ['src/config', 'tasks', "import type { Step } from '../tasks/index.js';\nexport type X = Step;", 'src/config/planted.ts'],
    ['src/errors', 'the app', "import type { SessionInfo } from '../app/controller.js';\nexport type X = SessionInfo;", 'src/errors/planted.ts'],
    ['a subfolder of src/aws', 'the engine', "import type { RunView } from '../../engine/reducer.js';\nexport type X = RunView;", 'src/aws/deeper/planted.ts'],
    ['src/state', 'the screens (dynamic)', "export const load = () => import('../screens/App.js');", 'src/state/planted.ts'],
  ])('refuses an upward import in %s: %s', async (_leaf, _what, code, file) => {
    const messages = await lint(code, file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/are leaves: they import only each other and packages/);
  });

  it('refuses the screens in src/app', async () => {
    const messages = await lint("import { App } from '../screens/App.js';\nexport const x = App;", 'src/app/planted.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/The app imports nothing from screens/);
  });

  it.each([
    ['src/engine', 'leaves and itself', "import { TAG_PROJECT } from '../aws/tags.js';\nimport type { SectionId } from '../state/step-terms.js';\nimport type { Step } from './types.js';\nexport const x: [string, SectionId?, Step?] = [TAG_PROJECT];", 'src/engine/planted.ts'],
    ['src/aws', 'another leaf and itself', "import type { ClassifiedError } from '../errors/error-kinds.js';\nimport { TAG_STEP } from './tags.js';\nexport const x: [string, ClassifiedError?] = [TAG_STEP];", 'src/aws/planted.ts'],
    ['src/state', 'another leaf and itself', "import type { Outputs } from './step-terms.js';\nimport type { Config } from '../config/schema.js';\nexport type X = [Outputs, Config];", 'src/state/planted.ts'],
    ['src/app', 'the engine and the runbook', "import { Engine } from '../engine/engine.js';\nimport { allSteps } from '../runbook/sections.js';\nexport const x = [Engine, allSteps];", 'src/app/planted.ts'],
    ['src/tasks', 'the engine', "import type { StepContext } from '../../engine/types.js';\nexport type X = StepContext;", 'src/tasks/network/planted.ts'],
  ])('allows %s to import %s', async (_folder, _what, code, file) => {
    expect(await lint(code, file)).toEqual([]);
  });
});
