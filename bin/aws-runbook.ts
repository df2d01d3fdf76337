#!/usr/bin/env node
// Argument parsing and dispatch live in src/cli; this file only runs them and exits with their code.

// The AWS SDK warns on every start under Node 20 that its releases after January 2027 will need
// Node 22. aws-runbook supports Node >= 20 with the SDK versions its lockfile pins, so operators get
// no notice they can act on; developers see it in the SDK changelog. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// First of all: SIGINT/SIGTERM/SIGHUP become a normal exit (130/143/129) unless a command handles them,
// so the 'exit' handlers run (moto stopped, the sandbox's temporary directories removed).
const { installSignalDefaults } = await import('../src/cli/signals.js');
installSignalDefaults();

const { main } = await import('../src/cli/program.js');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aws-runbook: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
