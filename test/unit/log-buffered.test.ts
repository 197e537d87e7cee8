// serve's buffered log destination (log.ts bufferedDestination): admission lines wait, every other line
// and the process's exit write them out. A real sonic-boom on a temporary file, and a real child process
// for the exit cases.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ReviewSummary } from '../../src/admission/review.js';
import { LOG_BUFFER_BYTES, LOG_FLUSH_MS, bufferedDestination, createLogger, logAdmission } from '../../src/log.js';
import { repoPath } from '../support/paths.js';

const summary = (uid: string): ReviewSummary => ({
  uid, operation: 'CREATE', namespace: 'nifi', name: 'nifi-0', role: 'nifi', reason: 'r', patchOps: 1, warnings: 0, dryRun: false,
});

describe('log: serve buffers admission lines, and only those', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ncg-log-'));
    file = join(dir, 'serve.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (): Array<Record<string, unknown>> =>
    readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('holds admission lines until another line comes, then writes both in order', () => {
    const logger = createLogger('info', bufferedDestination(file));
    logAdmission(logger, summary('u-1'), 1);
    logAdmission(logger, summary('u-2'), 1);
    expect(lines()).to.deep.equal([]);
    logger.warn({ code: 'x' }, 'policy rejected');
    expect(lines().map((l) => l.uid ?? l.msg)).to.deep.equal(['u-1', 'u-2', 'policy rejected']);
  });

  it('writes an info line other than an admission at once too', () => {
    const logger = createLogger('info', bufferedDestination(file));
    logger.info({ port: 1 }, 'listening');
    expect(lines().map((l) => l.msg)).to.deep.equal(['listening']);
  });

  it(`writes when ${LOG_BUFFER_BYTES} bytes wait, with nothing else logged`, () => {
    const logger = createLogger('info', bufferedDestination(file));
    let n = 0;
    while (lines().length === 0 && n < 1000) logAdmission(logger, summary(`u-${n++}`), 1);
    const written = lines();
    expect(written.length).to.be.within(2, n);
    expect(written.map((l) => l.uid)).to.deep.equal(Array.from({ length: written.length }, (_, i) => `u-${i}`));
  });

  it(`writes a lone admission line within ${LOG_FLUSH_MS} ms, unprompted`, async () => {
    const logger = createLogger('info', bufferedDestination(file));
    logAdmission(logger, summary('u-alone'), 1);
    for (let waited = 0; lines().length === 0 && waited < LOG_FLUSH_MS * 5; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(lines().map((l) => l.uid)).to.deep.equal(['u-alone']);
  });

  for (const [how, ending, status] of [
    ['process.exit', 'process.exit(3);', 3],
    ['an uncaught exception', "throw new Error('boom');", 1],
    ['the event loop emptying', '', 0],
  ] as const) {
    it(`writes waiting lines when the process ends by ${how}`, () => {
      const log = pathToFileURL(repoPath('dist', 'src', 'log.js')).href;
      const script = `import { bufferedDestination, createLogger, logAdmission } from ${JSON.stringify(log)};
        const logger = createLogger('info', bufferedDestination(${JSON.stringify(file)}));
        logAdmission(logger, { uid: 'last', operation: 'CREATE', namespace: 'n', name: 'p', role: 'nifi', reason: 'r', patchOps: 0, warnings: 0, dryRun: false }, 1);
        ${ending}`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(status);
      expect(lines().map((l) => l.uid)).to.deep.equal(['last']);
    });
  }
});
