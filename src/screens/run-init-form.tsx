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
  /** Said above the fields. */
  intro?: string;
  /** Said once written. */
  savedNote?: string;
  /** Take the form off the terminal when it is done (the assistant draws where it was). */
  clear?: boolean;
}

/** The setup form in a TTY; resolves 0 once written, 130 when cancelled (the caller says so). */
export async function runInitForm(options: RunInitFormOptions): Promise<number> {
  let code = 130;
  const handle: { done?: () => void } = {};
  const leave = (exitCode: number, delayMs: number) => {
    code = exitCode;
    setTimeout(() => handle.done?.(), delayMs);
  };
  const instance = render(
    <InitForm
      path={options.path}
      initial={options.initial}
      notes={options.notes}
      {...(options.intro ? { intro: options.intro } : {})}
      {...(options.savedNote ? { savedNote: options.savedNote } : {})}
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
  handle.done = () => {
    if (options.clear || code !== 0) instance.clear();
    instance.unmount();
  };
  await instance.waitUntilExit();
  return code;
}
