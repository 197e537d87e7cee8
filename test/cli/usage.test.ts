import { expect } from 'chai';
import { runCli } from '../support/cli.js';

// Usage mistakes on any command: exit 2 and exactly one line, in the form of every other error.
describe('cli: usage errors', () => {
  const cases = [
    { name: 'an unknown command', args: ['nope'], line: "nifi-ca-guard: unknown command 'nope' (see --help)" },
    { name: 'a missing required option', args: ['preview'], line: "nifi-ca-guard: required option '-f, --filename <file>' not specified (see --help)" },
    { name: 'a bad choice', args: ['preview', '-f', 'x', '-o', 'xml'], line: /^nifi-ca-guard: option '-o, --output <format>' argument 'xml' is invalid\. .* \(see --help\)$/ },
    { name: 'an unknown option of a nested command', args: ['ca', 'init', '--bogus'], line: "nifi-ca-guard: unknown option '--bogus' (see --help)" },
    { name: 'policy suggest without -f', args: ['policy', 'suggest'], line: "nifi-ca-guard: required option '-f, --filename <file>' not specified (see --help)" },
    { name: 'truststore without --out', args: ['truststore', '--bundle', 'b.pem'], line: "nifi-ca-guard: required option '--out <file>' not specified (see --help)" },
  ];
  for (const c of cases) {
    it(`${c.name}: exit 2, one line`, async () => {
      const res = await runCli(c.args);
      expect(res.code, res.stderr).to.equal(2);
      const lines = res.stderr.trim().split('\n');
      expect(lines, res.stderr).to.have.length(1);
      if (typeof c.line === 'string') expect(lines[0]).to.equal(c.line);
      else expect(lines[0]).to.match(c.line);
    });
  }
});
