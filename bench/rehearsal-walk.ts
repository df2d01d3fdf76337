/**
 * A new user's first rehearsal, timed (printed, never asserted): `aws-runbook --sandbox` in the TUI at the
 * DEFAULT time scale (real AWS's waits at 1/50: the RDS instance `creating` for 18 s), walked with Enter
 * alone to the Summary, then the Checklist. Issue 7's goal: both reached in under two minutes.
 * Everything stays in this process and on loopback (moto, the gateway, the simulated hosts).
 */
import { createElement } from 'react';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTarget } from '../src/cli/target.js';
import { RunbookSession } from '../src/app/session.js';
import { CachedCloudNetwork } from '../src/sandbox/simulated/cloud-network.js';
import { App } from '../src/screens/App.js';
import { renderScreen } from '../test/screens/helpers/render-screen.js';
import { walkWithEnter } from '../test/helpers/rehearsal-walk.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const started = performance.now();
const target = await resolveTarget({ sandbox: true }, () => undefined);
const session = await RunbookSession.open({
  config: target.config,
  configPath: target.configPath,
  configFound: target.configFound,
  stateDir: await mkdtemp(join(tmpdir(), 'awsrb-bench-walk-')),
  aws: target.aws,
  sandbox: true,
  ...(target.addressPolicy ? { addressPolicy: target.addressPolicy } : {}),
  mode: 'write',
  command: 'tui',
  onClose: () => target.release(),
});
const screen = await renderScreen(createElement(App, { controller: session, onExit: () => undefined }));
const firstFrame = performance.now() - started;
const sections = await walkWithEnter(screen);
const summary = performance.now() - started;
await screen.press('enter');
const checklist = await screen.waitForFrame(/every required check holds|required checks failed/, 120_000);
const done = performance.now() - started;
const verdict = /every required check holds/.test(checklist) ? 'every required check holds' : 'required checks FAILED';
screen.unmount();
await session.close();
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const network = target.simulatedHosts?.network;
const readings = network instanceof CachedCloudNetwork ? `; the simulated hosts read the network from moto ${network.loads} times (${s(network.loadMs)} in all)` : '';
console.log(`rehearsal walk (default time scale, Enter only): first frame ${s(firstFrame)}, ${sections} sections confirmed, Summary at ${s(summary)}, Checklist done at ${s(done)} (${verdict})${readings}`);
process.exit(0);
