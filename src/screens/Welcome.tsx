import { useEffect, useState, type ReactElement } from 'react';
import { Text, type Key } from 'ink';
import Spinner from 'ink-spinner';
import type { ResumeInfo, RunbookController, RunbookEstimate, SectionSummary, SessionInfo } from '../app/controller.js';
import type { Identity } from '../engine/types.js';
import { formatErrorLine } from '../render/format-units.js';
import { toClassified } from './use-apply.js';
import { Frame } from './frame/Frame.js';
import type { Hint } from './frame/hints.js';
import { ScrollView } from './frame/ScrollView.js';
import { blankRow, row, textRows } from './frame/rows.js';
import { estimateRows } from './components/estimate-rows.js';
import { resumeRows } from './components/resume-rows.js';
import { SANDBOX_LINE } from './labels.js';

/** `loading`: what is under way, said next to a spinner (opening the session, asking AWS who we are). */
export type IdentityState = { kind: 'loading'; doing: string } | { kind: 'ok'; identity: Identity } | { kind: 'error'; line: string; hint: string };

/** What the Welcome shows before the session is open: the config's word. `stateDir` unset: a throwaway one, not made yet. */
export type WelcomeInfo = Pick<SessionInfo, 'project' | 'region' | 'sandbox' | 'configPath' | 'configFound' | 'endpoint'> & { stateDir?: string };

export const ASKING_IDENTITY = 'asking AWS who we are…';

export interface WelcomeProps {
  controller: RunbookController;
  onResume: (resume: ResumeInfo) => void;
  onOverview: () => void;
  /** What the tool said while it started (the rehearsal's stand-ins): shown here rather than above the screen. */
  notices?: readonly string[];
  /** What q does here. */
  quitLabel?: string;
}

/** Who and where we are (identity, region, endpoint, config), what the runbook costs and takes, the offer to resume. */
export function Welcome({ controller, onResume, onOverview, notices = [], quitLabel = 'quit' }: WelcomeProps) {
  const { info } = controller;
  const [identity, setIdentity] = useState<IdentityState>({ kind: 'loading', doing: ASKING_IDENTITY });
  const [resume] = useState(() => controller.resumeInfo());
  const [estimate] = useState(() => controller.estimate?.());
  const [sections] = useState(() => controller.sections());

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

  return (
    <WelcomeFrame
      info={info}
      identity={identity}
      {...(resume ? { resume } : {})}
      {...(estimate ? { estimate: { estimate, sections } } : {})}
      notices={notices}
      quitLabel={quitLabel}
      hints={resume ? [['Enter', 'resume'], ['o', 'overview']] : [['Enter', 'overview']]}
      onKey={(input, key) => {
        if (key.return) {
          if (resume) onResume(resume);
          else onOverview();
        } else if (input === 'o') onOverview();
      }}
    />
  );
}

export interface WelcomeFrameProps {
  info: WelcomeInfo;
  identity: IdentityState;
  resume?: ResumeInfo;
  estimate?: { estimate: RunbookEstimate; sections: readonly SectionSummary[] };
  notices: readonly string[];
  hints: Hint[];
  quitLabel: string;
  onKey?: (input: string, key: Key) => void;
}

/** The Welcome as drawn: also while the session is still opening (Boot), with what is known then. */
export function WelcomeFrame({ info, identity, resume, estimate, notices, hints, quitLabel, onKey }: WelcomeFrameProps) {
  return (
    <Frame
      info={info}
      identity={identity.kind === 'ok' ? identity.identity : undefined}
      title="Welcome — the AWS runbook, one previewed section at a time"
      hints={hints}
      quit={quitLabel}
      {...(onKey ? { onKey } : {})}
    >
      {({ width, height, active }) => {
        const rows: ReactElement[] = [
          ...(info.sandbox ? [row('sandbox', <Text color="black" backgroundColor="yellow" bold>{` ${SANDBOX_LINE} `}</Text>)] : []),
          ...identityRows(identity, info.endpoint, width),
          ...textRows('config', `config    ${info.configFound ? info.configPath : 'defaults (no aws-runbook.yaml)'}`, width, { hang: '          ' }),
          ...textRows('state', `state     ${info.stateDir ?? 'a throwaway directory, made for this rehearsal'}`, width, { hang: '          ', dimColor: true }),
          ...(resume ? [blankRow('b-resume'), ...resumeRows(resume, width, { sandbox: info.sandbox })] : []),
          ...(estimate ? [blankRow('b-estimate'), ...estimateRows(estimate.estimate, estimate.sections, width)] : []),
          ...(notices.length > 0 ? [blankRow('b-notices'), ...notices.flatMap((line, i) => textRows(`notice-${i}`, line, width, { hang: '  ', dimColor: true }))] : []),
        ];
        return <ScrollView rows={rows} height={height} active={active} />;
      }}
    </Frame>
  );
}

function identityRows(identity: IdentityState, endpoint: string | undefined, width: number): ReactElement[] {
  if (identity.kind === 'loading') return [row('loading', <><Spinner type="dots" /> {identity.doing}</>)];
  if (identity.kind === 'error') {
    return [
      ...textRows('id-error', `✗ could not load the AWS identity: ${identity.line}`, width, { color: 'red', hang: '  ' }),
      ...textRows('id-hint', `hint: ${identity.hint}`, width, { color: 'yellow', hang: '      ' }),
    ];
  }
  const { account, arn, region } = identity.identity;
  return [
    row('account', `account   ${account}`),
    ...textRows('arn', `identity  ${arn}`, width, { hang: '          ' }),
    row('region', `region    ${region}`),
    ...textRows('endpoint', `endpoint  ${identity.identity.endpoint ?? endpoint ?? 'AWS (default)'}`, width, { hang: '          ' }),
  ];
}
