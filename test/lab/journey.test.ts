import { afterAll, beforeAll, describe } from 'vitest';
import { appsAfterUp, appsInstalled, appsPerturb, appsReadOnly, appsRerun } from './cases/apps.js';
import { backupAfterUp, backupBeforeUp, backupDown, backupRerun, backupStreams } from './cases/backup.js';
import { backupFailures } from './cases/backup-failures.js';
import { e2eAfterUp, e2eHostKeySpoof, e2eKill, e2eRerun } from './cases/e2e.js';
import { startJourney, type Journey } from './cases/journey.js';
import { noSecretLeft } from './cases/secrets.js';
import { shopAfterUp, shopBeforeUp, shopReadOnly, shopRerun } from './cases/shop.js';
import { verifyPerturb, verifyReadOnly } from './cases/verify.js';

/**
 * The runbook end to end in the lab, as one journey: ONE lab run, ONE project, ONE full `up --yes` of
 * every section and ONE rerun that must change nothing, shared by the case modules of ./cases (shop,
 * apps, e2e, backup, verify, secrets). The cases run in file order, each phase relying on the one before:
 *
 *   1. before the first up: refusals that must leave no state, `backup` before anything exists;
 *   2. the up (in the phase's beforeAll: its failure fails everything after, with the tool's output),
 *      then what it did;
 *   3. read-only cases on what it built (the one `backup` run is here: verify's storage checks want a dump);
 *   4. the rerun (in the phase's beforeAll, watched by journey.ts) and everything it must not have changed;
 *   5. perturbations, each undone before the next case: router rules, failed and interrupted dumps, a
 *      stopped Docker daemon; then no secret anywhere (before down takes the backup account away);
 *   6. last: `down --only backup` (destructive), then the cases that run projects of their own (a host
 *      presenting other keys, kill -9 mid host step). Those go after down: their up builds their own
 *      backup section's AWS side (role, profile, association: no SSH needed), which down's account-wide
 *      "no association left" check would see.
 */

let journey: Journey | undefined;
const j = (): Journey => {
  if (!journey) throw new Error('the lab journey did not start: see the beforeAll failure');
  return journey;
};

beforeAll(async () => {
  journey = await startJourney();
}, 180_000);
afterAll(async () => {
  await journey?.stop();
});

describe('the runbook in the lab, one project from nothing to teardown', () => {
  describe('1. before the first up', () => {
    shopBeforeUp(j);
    backupBeforeUp(j);
  });

  describe('2-6. after one up --yes of every section', () => {
    beforeAll(async () => {
      await j().runUp();
    }, 300_000);

    describe('2. what the up did', () => {
      e2eAfterUp(j);
      shopAfterUp(j);
      appsAfterUp(j);
      appsInstalled(j);
      backupAfterUp(j);
    });

    describe('3. read-only, on what it built', () => {
      shopReadOnly(j);
      appsReadOnly(j);
      describe('the one backup run', () => backupStreams(j));
      verifyReadOnly(j);
    });

    describe('4. a rerun of up changes nothing', () => {
      beforeAll(async () => {
        await j().runRerun();
      }, 240_000);
      e2eRerun(j);
      shopRerun(j);
      appsRerun(j);
      backupRerun(j);
    });

    describe('5. perturbations, each undone', () => {
      verifyPerturb(j);
      backupFailures(j);
      appsPerturb(j);
      noSecretLeft(j, 'no secret appears in any tool output, the state or any file of the project');
    });

    describe('6. teardown of a section, then projects of their own', () => {
      backupDown(j);
      e2eHostKeySpoof(j);
      e2eKill(j);
      noSecretLeft(j, 'still no secret anywhere after down and the other projects');
    });
  });
});
