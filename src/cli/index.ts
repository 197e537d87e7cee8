import { Command } from 'commander';
import { VERSION } from '../version.js';

/** Each subcommand lives in its own file and registers itself here. */
export type Register = (program: Command) => void;

export function buildProgram(commands: readonly Register[]): Command {
  const program = new Command('nifi-ca-guard')
    .description('Mutating admission webhook that keeps NiFi clusters trusting their CA')
    .version(VERSION)
    // Usage errors are one line in the same form as every other error, with a pointer to --help.
    .configureOutput({ outputError: (text, write) => write(`nifi-ca-guard: ${text.trim().replace(/^error: /, '')} (see --help)\n`) })
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}
