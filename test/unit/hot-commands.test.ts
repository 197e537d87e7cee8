// main.ts registers only the named command when it is a hot one (src/cli/hot-commands.ts). That is
// safe only if the hot path registers the very function the full table does, and the command reads
// the same (help, options) with or without its siblings.
import { expect } from 'chai';
import type { Command } from 'commander';
import { COMMANDS } from '../../src/cli/commands.js';
import { hotCommand } from '../../src/cli/hot-commands.js';
import { buildProgram } from '../../src/cli/index.js';

const argv = (...args: string[]) => ['node', 'nifi-ca-guard', ...args];
const sub = (program: Command, name: string): Command => program.commands.find((c) => c.name() === name)!;
const shape = (c: Command) => ({
  help: c.helpInformation(),
  options: c.options.map((o) => ({ flags: o.flags, default: o.defaultValue as unknown, choices: o.argChoices, mandatory: o.mandatory })),
});

describe('cli: hot commands load alone', () => {
  for (const name of ['truststore', 'preview', 'serve']) {
    it(`${name}: the same register function as the full table, the same help and options`, async () => {
      const hot = await hotCommand(argv(name, '--help'));
      expect(hot, name).to.be.a('function');
      expect(COMMANDS).to.include(hot);
      const alone = buildProgram([hot!]);
      expect(alone.commands.map((c) => c.name())).to.deep.equal([name]);
      expect(shape(sub(alone, name))).to.deep.equal(shape(sub(buildProgram(COMMANDS), name)));
    });
  }

  const notHot = [
    { name: 'no arguments', args: [] },
    { name: 'root --help', args: ['--help'] },
    { name: 'root --version', args: ['--version'] },
    { name: 'a root flag before the command', args: ['--help', 'truststore'] },
    { name: 'help COMMAND', args: ['help', 'truststore'] },
    { name: 'another command', args: ['ca', 'inspect'] },
    { name: 'a typo', args: ['truststor'] },
    { name: 'an Object.prototype key', args: ['toString'] },
  ];
  for (const c of notHot) {
    it(`${c.name}: every command is registered`, () => {
      expect(hotCommand(argv(...c.args))).to.equal(undefined);
    });
  }
});
