// The error registry (src/errors.ts) is the only place that maps codes to HTTP and exit statuses:
// every code the sources use is in it, every entry is used, the edges take their numbers from it,
// and README's "Error codes" table says the same.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERRORS, exitStatus, httpStatus, isErrorCode, type ErrorCode, type ExitErrorCode, type HttpErrorCode } from '../../src/errors.js';
import { HttpError, classifyBodyError } from '../../src/http/errors.js';
import { CheckFailed, CliError } from '../../src/cli/errors.js';
import { BadReviewError } from '../../src/admission/errors.js';
import { repoPath } from '../support/paths.js';

const SRC = repoPath('src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Where the sources name an error code, by the shape of the call. */
const SITES: Record<string, RegExp> = {
  'new HttpError / BadReviewError': /\bnew (?:HttpError|BadReviewError)\(\s*'([^']+)'/g,
  'sendError(res, CODE, ...)': /\bsendError\(\s*\w+,\s*'([^']+)'/g,
  'httpStatus / exitStatus': /\b(?:httpStatus|exitStatus)\(\s*'([^']+)'\s*\)/g,
  'a code in a result object': /\{\s*code:\s*'([^']+)'/g,
  // Codes are PascalCase; a message's own arguments ('utf8') are not.
  'a CliError code argument': /\b(?:super|new (?:CliError|CheckFailed))\([^;]*?,\s*'([A-Z][A-Za-z]*)'\s*\)/g,
  'a default code parameter': /\bcode:\s*\w+\s*=\s*'([^']+)'/g,
};

function codesInSources(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>(Object.keys(SITES).map((k) => [k, new Set<string>()]));
  for (const file of sources(SRC)) {
    if (relative(SRC, file) === 'errors.ts') continue;
    const text = readFileSync(file, 'utf8');
    for (const [site, re] of Object.entries(SITES)) for (const m of text.matchAll(re)) found.get(site)!.add(`${m[1]!} (${relative(SRC, file)})`);
  }
  return found;
}

/** README's "Error codes" table, row by row: code, HTTP status, exit status, meaning. */
function readmeTable(): string[][] {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const start = readme.indexOf('\n### Error codes\n');
  expect(start, 'README has a "### Error codes" section').to.be.greaterThan(-1);
  const section = readme.slice(start + 1).split(/\n#{2,3} /)[0]!;
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

describe('error registry (src/errors.ts)', () => {
  it('holds every code the sources use, and every entry is used somewhere', () => {
    const found = codesInSources();
    const used = new Set<string>();
    for (const [site, hits] of found) {
      expect(hits.size, `no ${site} found: the scan is out of date`).to.be.greaterThan(0);
      for (const hit of hits) used.add(hit.split(' ')[0]!);
    }
    const unknown = [...found.values()].flatMap((hits) => [...hits].filter((h) => !isErrorCode(h.split(' ')[0]!)));
    expect(unknown, 'codes used in src but missing from ERRORS').to.deep.equal([]);
    expect(Object.keys(ERRORS).filter((c) => !used.has(c)), 'codes in ERRORS that nothing uses').to.deep.equal([]);
  });

  it('gives every code an HTTP status, an exit status or both, and is frozen', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(spec.http !== null || spec.exit !== null, code).to.equal(true);
      if (spec.http !== null) expect(spec.http, code).to.be.within(400, 599);
      if (spec.exit !== null) expect(spec.exit, code).to.be.within(1, 125);
      expect(Object.isFrozen(spec), code).to.equal(true);
    }
    expect(Object.isFrozen(ERRORS)).to.equal(true);
  });

  it('is what the edges answer: HttpError, BadReviewError, CliError', () => {
    const httpCodes = Object.keys(ERRORS).filter((c) => ERRORS[c as ErrorCode].http !== null) as HttpErrorCode[];
    for (const code of httpCodes) {
      expect(new HttpError(code, 'x').status, code).to.equal(ERRORS[code].http);
      expect(httpStatus(new BadReviewError(code, 'x').code), code).to.equal(ERRORS[code].http);
    }
    const exitCodes = Object.keys(ERRORS).filter((c) => ERRORS[c as ErrorCode].exit !== null) as ExitErrorCode[];
    for (const code of exitCodes) expect(new CliError('x', code).exitCode, code).to.equal(ERRORS[code].exit);
    expect(new CliError('x').exitCode).to.equal(exitStatus('Failed'));
    expect(new CheckFailed('x').exitCode).to.equal(exitStatus('CheckFailed'));
  });

  // The statuses and exit codes clients and scripts already rely on: a refactor of the table must keep them.
  it('keeps the statuses and exit codes the webhook and CLI have always used', () => {
    const bodyError = (type: string | undefined, status: number, code?: string): number | undefined => {
      const known = classifyBodyError({ type, status, code });
      return known && httpStatus(known.code);
    };
    expect({
      tooLarge: bodyError('entity.too.large', 413),
      parse: bodyError('entity.parse.failed', 400),
      encoding: bodyError('encoding.unsupported', 415),
      charset: bodyError('charset.unsupported', 415),
      aborted: bodyError('request.aborted', 400),
      sizeInvalid: bodyError('request.size.invalid', 400),
      corrupt: bodyError(undefined, 500, 'Z_DATA_ERROR'),
      streamNotReadable: bodyError('stream.not.readable', 500),
    }).to.deep.equal({ tooLarge: 413, parse: 400, encoding: 415, charset: 415, aborted: 400, sizeInvalid: 400, corrupt: 400, streamNotReadable: undefined });
    expect(
      (['EmptyBody', 'TooDeep', 'InvalidField', 'NotFound', 'MethodNotAllowed', 'UnsupportedMediaType', 'UnappliablePatch', 'InternalError', 'NotSynced'] as const).map(httpStatus),
    ).to.deep.equal([400, 400, 400, 404, 405, 415, 500, 500, 503]);
    expect((['Failed', 'Usage', 'CheckFailed', 'InternalError'] as const).map(exitStatus)).to.deep.equal([1, 2, 3, 1]);
  });

  it("matches README's Error codes table, row for row", () => {
    const expected = Object.entries(ERRORS).map(([code, s]) => [`\`${code}\``, String(s.http ?? '—'), String(s.exit ?? '—'), s.meaning]);
    expect(readmeTable()).to.deep.equal(expected);
  });
});
