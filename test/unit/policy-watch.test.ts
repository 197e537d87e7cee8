import { expect } from 'chai';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log.js';
import { watchPolicyFile } from '../../src/policy/file-watch.js';
import { loadPolicyFile, readPolicyFile } from '../../src/policy/load.js';
import { PolicyStore } from '../../src/policy/store.js';
import { LogCapture } from '../support/logs.js';

const doc = (name: string, mode: string) =>
  `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: ${name}}\nspec:\n  placement: {mode: ${mode}}\n`;

describe('policy file reload', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts a valid edit in force and keeps the last good policy on an invalid one', () => {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, doc('first', 'required'));
    const store = new PolicyStore(loadPolicyFile(file));
    const logs = new LogCapture();
    const watch = watchPolicyFile(file, store, createLogger('info', logs), 60_000);
    try {
      expect(watch.check()).to.equal(false);

      // Written beside and renamed over, as a ConfigMap update or an editor does.
      writeFileSync(join(dir, 'next'), doc('second', 'preferred'));
      renameSync(join(dir, 'next'), file);
      expect(watch.check()).to.equal(true);
      expect(store.current().name).to.equal('second');
      expect(store.current().spec.placement.mode).to.equal('preferred');

      writeFileSync(file, doc('third', 'sometimes').replace('kind: NiFiTrustPolicy', 'kind: Nope'));
      expect(watch.check()).to.equal(false);
      expect(store.current().name).to.equal('second');
      // One line per issue with its field path, then the summary (issue 10: all issues came as one long line).
      const rejected = logs.records().find((r) => r.msg === 'policy rejected; keeping the last good policy');
      expect(rejected?.problems).to.equal(2);
      expect(rejected).to.not.have.property('issues');
      expect(logs.records().filter((r) => r.msg === 'policy problem').map((r) => [r.file, r.issue])).to.deep.equal([
        [file, 'kind: must be NiFiTrustPolicy'],
        [file, 'spec.placement.mode: must be one of required, preferred, off'],
      ]);

      rmSync(file);
      expect(watch.check(), 'a vanished file keeps the policy').to.equal(false);
      expect(store.current().name).to.equal('second');
    } finally {
      watch.stop();
    }
  });
});

describe('policy file reload with the webhook init image', () => {
  it('a reloaded policy naming no image keeps getting the init image the webhook runs with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    try {
      const file = join(dir, 'policy.yaml');
      writeFileSync(file, doc('first', 'required'));
      const defaults = { initImage: 'reg.io/guard:3' };
      const store = new PolicyStore(readPolicyFile(file, defaults).policy, defaults);
      expect(store.current().spec.trustBundle.initContainer.image).to.equal('reg.io/guard:3');
      const watch = watchPolicyFile(file, store, createLogger('silent'), 60_000);
      try {
        writeFileSync(file, doc('second', 'preferred'));
        expect(watch.check()).to.equal(true);
        expect(store.current().spec.trustBundle.initContainer.image).to.equal('reg.io/guard:3');
        expect(store.current().spec.caPinning.initContainer.image).to.equal('reg.io/guard:3');
      } finally {
        watch.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('policy file reload from the loaded text', () => {
  it('picks up an edit made between loading and watching', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    try {
      const file = join(dir, 'policy.yaml');
      writeFileSync(file, doc('loaded', 'required'));
      const loaded = readPolicyFile(file);
      writeFileSync(file, doc('edited', 'preferred')); // before the watcher starts
      const store = new PolicyStore(loaded.policy);
      const watch = watchPolicyFile(file, store, createLogger('silent'), 60_000, loaded.text);
      try {
        expect(watch.check()).to.equal(true);
        expect(store.current().name).to.equal('edited');
      } finally {
        watch.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
