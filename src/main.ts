#!/usr/bin/env node
// Composition root: the only place that calls process.exit.
import { CommanderError } from 'commander';
import { buildProgram } from './cli/index.js';
import { CliError, errorLines, oneLine } from './cli/errors.js';
import { exitStatus } from './errors.js';
import { hotCommand } from './cli/hot-commands.js';

async function main(argv: string[]): Promise<number> {
  // Loaded here, not imported: a hot command (truststore, preview, serve) needs none of the others' modules.
  const hot = hotCommand(argv);
  const program = buildProgram(hot ? [await hot] : (await import('./cli/commands.js')).COMMANDS);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : exitStatus('Usage');
    // A CliError (CheckFailed too) is one line the user reads; its code's exit status says which kind.
    // A refused policy is a headline and one issue per line; anything else is a failed command too.
    const [first, ...rest] = errorLines(err);
    process.stderr.write(`nifi-ca-guard: ${first}\n${rest.map((l) => `${l}\n`).join('')}`);
    return err instanceof CliError ? err.exitCode : exitStatus('Failed');
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`nifi-ca-guard: ${oneLine(err)}\n`);
    process.exitCode = exitStatus('InternalError');
  },
);
