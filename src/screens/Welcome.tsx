import { useEffect, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import Spinner from 'ink-spinner';
import type { ResumeInfo, RunbookController } from '../engine/controller.js';
import type { Identity } from '../engine/types.js';
import { formatErrorLine } from '../render/format-units.js';
import { toClassified } from './use-apply.js';
import { KeyHints, type Hint } from './components/KeyHints.js';
import { SandboxBanner } from './components/SandboxBanner.js';
import { PRODUCT } from './labels.js';

type IdentityState = { kind: 'loading' } | { kind: 'ok'; identity: Identity } | { kind: 'error'; line: string; hint: string };

export interface WelcomeProps {
  controller: RunbookController;
  onResume: (resume: ResumeInfo) => void;
  onOverview: () => void;
}

/** Who and where we are (identity, region, endpoint, config), and the offer to resume an unfinished run. */
export function Welcome({ controller, onResume, onOverview }: WelcomeProps) {
  const { info } = controller;
  const [identity, setIdentity] = useState<IdentityState>({ kind: 'loading' });
  const [resume] = useState(() => controller.resumeInfo());

  useEffect(() => {
    let live = true;
    controller.loadIdentity().then(
      (loaded) => {
        if (live) setIdentity({ kind: 'ok', identity: loaded });
      },
      (error: unknown) => {
        const classified = toClassified(error);
        if (live) setIdentity({ kind: 'error', line: formatErrorLine(classified), hint: classified.hint });
      },
    );
    return () => {
      live = false;
    };
  }, [controller]);

  useInput((input, key) => {
    if (key.return) {
      if (resume) onResume(resume);
      else onOverview();
    } else if (input === 'o') onOverview();
  });

  const hints: Hint[] = resume ? [['Enter', 'resume'], ['o', 'overview']] : [['Enter', 'overview']];
  return (
    <Box flexDirection="column">
      <Text bold color="cyan">
        {PRODUCT}
        <Text dimColor> — the AWS runbook, one previewed section at a time</Text>
      </Text>
      {info.sandbox ? <SandboxBanner /> : null}
      <Box flexDirection="column" marginTop={1}>
        {identity.kind === 'loading' ? (
          <Text>
            <Spinner type="dots" /> asking AWS who we are…
          </Text>
        ) : identity.kind === 'ok' ? (
          <>
            <Text>account   {identity.identity.account}</Text>
            <Text>identity  {identity.identity.arn}</Text>
            <Text>region    {identity.identity.region}</Text>
            <Text>endpoint  {identity.identity.endpoint ?? info.endpoint ?? 'AWS (default)'}</Text>
          </>
        ) : (
          <>
            <Text color="red">✗ could not load the AWS identity: {identity.line}</Text>
            <Text color="yellow">hint: {identity.hint}</Text>
          </>
        )}
        <Text>
          config    {info.configFound ? info.configPath : 'defaults (no aws-runbook.yaml)'}
        </Text>
        <Text dimColor>state     {info.stateDir}</Text>
      </Box>
      {resume ? <ResumeOffer resume={resume} /> : null}
      <KeyHints hints={hints} />
    </Box>
  );
}

function ResumeOffer({ resume }: { resume: ResumeInfo }) {
  const what = resume.outcome === 'failed' ? 'failed' : 'was interrupted';
  return (
    <Box flexDirection="column" marginTop={1} borderStyle="round" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        The last `{resume.command}` (started {resume.startedAt}) {what}.
      </Text>
      {resume.stepId ? <Text>where: {resume.stepTitle ?? resume.stepId}</Text> : null}
      {resume.error ? (
        <>
          <Text>why:   {formatErrorLine(resume.error)}</Text>
          <Text color="yellow">hint:  {resume.error.hint}</Text>
        </>
      ) : null}
      {resume.pendingOperation ? <Text>pending operation: {resume.pendingOperation}</Text> : null}
      <Text dimColor>
        {resume.command === 'up'
          ? 'Resuming checks what exists first: nothing is created twice.'
          : 'Finish the teardown with `aws-runbook down`.'}
      </Text>
    </Box>
  );
}
