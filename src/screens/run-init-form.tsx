import { render } from 'ink';
import { InitForm, type InitAnswers, type InitField } from './InitForm.js';
import { initErrorFrom } from './init-errors.js';

export interface RunInitFormOptions {
  /** The config file that `submit` writes. */
  path: string;
  initial?: Partial<InitAnswers>;
  notes?: Partial<Record<InitField, string>>;
  /** Validates and writes; throws (a ConfigError with issues, ideally) when the answers do not fit. */
  submit: (answers: InitAnswers) => Promise<void>;
}

/** `aws-runbook init` in a TTY: the setup form; resolves 0 once written, 130 when cancelled. */
export async function runInitForm(options: RunInitFormOptions): Promise<number> {
  let code = 130;
  const handle: { unmount?: () => void } = {};
  const leave = (exitCode: number, delayMs: number) => {
    code = exitCode;
    setTimeout(() => handle.unmount?.(), delayMs);
  };
  const instance = render(
    <InitForm
      path={options.path}
      initial={options.initial}
      notes={options.notes}
      onCancel={() => leave(130, 0)}
      onSubmit={async (answers) => {
        try {
          await options.submit(answers);
        } catch (error) {
          return initErrorFrom(error);
        }
        leave(0, 50);
        return { ok: true };
      }}
    />,
    { exitOnCtrlC: false },
  );
  handle.unmount = instance.unmount;
  await instance.waitUntilExit();
  return code;
}
