import { expect } from 'chai';
import { DEFAULT_SPEC } from '../../src/policy/defaults.js';
import { parsePolicyText } from '../../src/policy/load.js';
import { validatePolicy } from '../../src/policy/validate.js';

const base = { apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicy', metadata: { name: 'p' } };
const withSpec = (spec: unknown) => ({ ...base, spec });

describe('policy validation', () => {
  const invalid: Array<{ name: string; doc: unknown; issues: string[] }> = [
    { name: 'not an object', doc: 'hello', issues: ['(document): must be an object'] },
    {
      name: 'wrong apiVersion and kind',
      doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' } },
      issues: ['apiVersion: must be nifi-ca-guard.io/v1alpha1', 'kind: must be NiFiTrustPolicy'],
    },
    { name: 'bad metadata.name', doc: { ...base, metadata: { name: 'Bad_Name' } }, issues: ['metadata.name: must be a DNS subdomain (lowercase alphanumerics, "-" and ".")'] },
    { name: 'placement mode', doc: withSpec({ placement: { mode: 'sometimes' } }), issues: ['spec.placement.mode: must be one of required, preferred, off'] },
    {
      name: 'weight out of range and bad topology key',
      doc: withSpec({ placement: { weight: 101, topologyKey: 'bad key!' } }),
      issues: [
        'spec.placement.topologyKey: must be a label key: name must be 1-63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
        'spec.placement.weight: must be an integer from 1 to 100',
      ],
    },
    { name: 'unknown field', doc: withSpec({ enforcment: 'audit' }), issues: ['spec.enforcment: unknown field'] },
    { name: 'enforcement value', doc: withSpec({ enforcement: 'warn' }), issues: ['spec.enforcement: must be one of enforce, audit'] },
    { name: 'allowOptOut type', doc: withSpec({ allowOptOut: 'yes' }), issues: ['spec.allowOptOut: must be true or false'] },
    { name: 'empty selector list', doc: withSpec({ nifi: { selectors: [] } }), issues: ['spec.nifi.selectors: must be a non-empty list of label selectors'] },
    { name: 'empty selector matches everything', doc: withSpec({ ca: { selectors: [{}] } }), issues: ['spec.ca.selectors[0]: must not be empty: an empty selector matches every pod'] },
    {
      name: 'expression operator and values',
      doc: withSpec({
        nifi: {
          selectors: [
            {
              matchExpressions: [
                { key: 'app', operator: 'Like', values: ['x'] },
                { key: 'app', operator: 'In' },
                { key: 'app', operator: 'Exists', values: ['x'] },
              ],
            },
          ],
        },
      }),
      issues: [
        'spec.nifi.selectors[0].matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist',
        'spec.nifi.selectors[0].matchExpressions[1].values: must be non-empty for operator In',
        'spec.nifi.selectors[0].matchExpressions[2].values: must be empty for operator Exists',
      ],
    },
    {
      name: 'bad label key and value',
      doc: withSpec({ nifi: { selectors: [{ matchLabels: { 'Bad Prefix/app': 'x', app: 'no spaces' } }] } }),
      issues: [
        'spec.nifi.selectors[0].matchLabels["Bad Prefix/app"]: invalid label key: prefix must be a DNS subdomain',
        'spec.nifi.selectors[0].matchLabels["app"]: invalid label value: must be at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric',
      ],
    },
    {
      name: 'trust bundle fields',
      doc: withSpec({ trustBundle: { format: 'bcfks', mountPath: 'relative/path', secretName: 'UPPER', key: 'a b', containers: ['Nifi'] } }),
      issues: [
        'spec.trustBundle.secretName: must be a Secret name (DNS subdomain)',
        'spec.trustBundle.key: must be a Secret data key (alphanumerics, "-", "_", ".")',
        'spec.trustBundle.mountPath: must be an absolute path other than "/", without ":" or ".."',
        'spec.trustBundle.containers[0]: must be a container name (DNS label)',
        'spec.trustBundle.format: must be one of pkcs12, jks, pem',
      ],
    },
    {
      name: 'password: both sources, then too short',
      doc: withSpec({ trustBundle: { password: { secretName: 'pw', value: 'changeit' } } }),
      issues: ['spec.trustBundle.password.value: set either secretName or value, not both'],
    },
    { name: 'password too short', doc: withSpec({ trustBundle: { password: { value: 'abc' } } }), issues: ["spec.trustBundle.password.value: must be at least 6 characters (keytool's minimum)"] },
    {
      name: 'init container image and resources',
      doc: withSpec({ trustBundle: { initContainer: { image: '', imagePullPolicy: 'Sometimes', resources: { limits: { memory: 'lots' } } } } }),
      issues: [
        'spec.trustBundle.initContainer.image: must be a non-empty image reference',
        'spec.trustBundle.initContainer.imagePullPolicy: must be one of Always, IfNotPresent, Never',
        'spec.trustBundle.initContainer.resources.limits.memory: must be a quantity such as 100m or 64Mi',
      ],
    },
    {
      // The API server refuses such a container, so every NiFi pod would be refused with it.
      name: 'negative quantities and requests above limits',
      doc: withSpec({ trustBundle: { initContainer: { resources: { requests: { cpu: '500m', memory: '-1Mi' }, limits: { cpu: '0.2', memory: '128Mi' } } } } }),
      issues: [
        'spec.trustBundle.initContainer.resources.requests.memory: must not be negative',
        'spec.trustBundle.initContainer.resources.requests.cpu: must not exceed limits.cpu (0.2)',
      ],
    },
    {
      name: 'a resource name Kubernetes does not know',
      doc: withSpec({ trustBundle: { initContainer: { resources: { limits: { cpus: '1', 'example.com/gpu': '1' } } } } }),
      issues: ['spec.trustBundle.initContainer.resources.limits.cpus: must be cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified name'],
    },
    {
      name: 'a quantity with a suffix Kubernetes does not know (K is neither k nor Ki)',
      doc: withSpec({ caPinning: { initContainer: { resources: { limits: { memory: '64K' } } } } }),
      issues: ['spec.caPinning.initContainer.resources.limits.memory: must be a quantity such as 100m or 64Mi'],
    },
    {
      name: 'merge wiring without its target',
      doc: withSpec({ trustBundle: { wiring: 'merge' } }),
      issues: [
        'spec.trustBundle.merge.after: must name the enrolment init container (DNS label)',
        'spec.trustBundle.merge.volume: must name the pod volume holding the store (DNS label)',
        'spec.trustBundle.merge.store: must be a path relative to the volume, e.g. certs/truststore.jks',
      ],
    },
    {
      name: 'merge paths that climb out of the volume, a key without its file, a root uid',
      doc: withSpec({ trustBundle: { wiring: 'merge', merge: { after: 'cert-request', volume: 'config-data', store: '/data/certs/truststore.jks', passwordKey: 'trustStorePassword', storeType: 'pem', runAsUser: 0 } } }),
      issues: [
        'spec.trustBundle.merge.store: must be relative to the volume (no leading "/")',
        'spec.trustBundle.merge.passwordKey: needs passwordFile (the JSON file holding that key)',
        'spec.trustBundle.merge.storeType: must be one of jks, pkcs12',
        'spec.trustBundle.merge.runAsUser: must be a non-root uid (integer from 1)',
      ],
    },
    {
      name: 'merge with ".." in the password file',
      doc: withSpec({ trustBundle: { wiring: 'merge', merge: { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks', passwordFile: 'certs/../../etc/passwd' } } }),
      issues: ['spec.trustBundle.merge.passwordFile: must not contain empty, "." or ".." segments'],
    },
    {
      name: 'env-only fields with merge wiring, and a merge block with env wiring',
      doc: withSpec({ trustBundle: { wiring: 'merge', format: 'jks', mountPath: '/t', containers: ['nifi'], merge: { after: 'a', volume: 'v', store: 's' } } }),
      issues: [
        'spec.trustBundle.format: applies to wiring env only (merge writes into the store enrolment left)',
        'spec.trustBundle.mountPath: applies to wiring env only (merge writes into the store enrolment left)',
        'spec.trustBundle.containers: applies to wiring env only (merge writes into the store enrolment left)',
      ],
    },
    {
      name: 'a merge block left under env wiring (it would silently do nothing)',
      doc: withSpec({ trustBundle: { merge: { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks' } } }),
      issues: ['spec.trustBundle.merge: applies to wiring merge only; set wiring: merge'],
    },
    {
      name: 'a mount path of slashes only (it would normalise to "")',
      doc: withSpec({ trustBundle: { mountPath: '//' } }),
      issues: ['spec.trustBundle.mountPath: must be an absolute path other than "/", without ":" or ".."'],
    },
    { name: 'wiring value', doc: withSpec({ trustBundle: { wiring: 'copy' } }), issues: ['spec.trustBundle.wiring: must be one of env, merge'] },
    { name: 'namespace glob', doc: withSpec({ namespaces: ['prod-*', 'Bad_NS', 3] }), issues: ['spec.namespaces[2]: must be a string', 'spec.namespaces[1]: must be a namespace name or a glob of one (with * and ?)'] },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}, naming every field`, () => {
      const r = validatePolicy(c.doc);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.issues).to.have.members(c.issues);
    });
  }

  it('compares requests with limits across units', () => {
    const r = validatePolicy(withSpec({ trustBundle: { initContainer: { resources: { requests: { cpu: '100m', memory: '1000Mi' }, limits: { cpu: 1, memory: '1Gi' } } } } }));
    expect(r.ok, r.ok ? '' : r.issues.join('; ')).to.equal(true);
    const big = validatePolicy(withSpec({ trustBundle: { initContainer: { resources: { requests: { memory: '2e9' }, limits: { memory: '1Gi' } } } } }));
    expect(big.ok ? [] : big.issues).to.deep.equal(['spec.trustBundle.initContainer.resources.requests.memory: must not exceed limits.memory (1Gi)']);
  });

  it('takes quantities as numbers, as a pod does, and keeps them as quantity strings', () => {
    const r = validatePolicy(withSpec({ trustBundle: { initContainer: { resources: { requests: { cpu: 0.5, memory: 33554432 }, limits: { cpu: 1, memory: '64Mi' } } } } }));
    expect(r.ok, r.ok ? '' : r.issues.join('; ')).to.equal(true);
    if (r.ok) expect(r.policy.spec.trustBundle.initContainer.resources).to.deep.equal({ requests: { cpu: '0.5', memory: '33554432' }, limits: { cpu: '1', memory: '64Mi' } });
  });

  it("with merge wiring takes the env-only fields at their defaults (the API server fills them in from the CRD's schema)", () => {
    const merge = { after: 'cert-request', volume: 'config-data', store: 'certs/truststore.jks' };
    const r = validatePolicy(withSpec({ trustBundle: { wiring: 'merge', format: 'pkcs12', mountPath: '/opt/nifi/trust', containers: [], merge } }));
    expect(r.ok, r.ok ? '' : r.issues.join('; ')).to.equal(true);
  });

  it('fills the built-in defaults for an empty spec', () => {
    const r = validatePolicy(base);
    expect(r.ok).to.equal(true);
    if (r.ok) {
      expect(r.policy.name).to.equal('p');
      expect(r.policy.spec).to.deep.equal(DEFAULT_SPEC);
      expect(Object.isFrozen(r.policy.spec.trustBundle)).to.equal(true);
    }
  });

  it('keeps the given values and defaults the rest', () => {
    const r = validatePolicy(withSpec({ placement: { mode: 'preferred' }, trustBundle: { format: 'jks', mountPath: '/trust/' } }));
    expect(r.ok).to.equal(true);
    if (r.ok) {
      expect(r.policy.spec.placement).to.deep.equal({ mode: 'preferred', topologyKey: 'kubernetes.io/hostname', weight: 100 });
      expect(r.policy.spec.trustBundle.format).to.equal('jks');
      expect(r.policy.spec.trustBundle.mountPath).to.equal('/trust');
      expect(r.policy.spec.trustBundle.secretName).to.equal('nifi-ca-trust');
    }
  });

  it('accepts the issue example document verbatim', () => {
    const text = `apiVersion: nifi-ca-guard.io/v1alpha1
kind: NiFiTrustPolicy
metadata: {name: default}
spec:
  namespaces: []
  nifi: {selectors: [{matchLabels: {app: nifi}}, {matchLabels: {app.kubernetes.io/name: nifi}}]}
  ca:   {selectors: [{matchLabels: {app: nifi-ca}}, {matchLabels: {app.kubernetes.io/name: nifi-ca}}]}
  placement: {mode: required, topologyKey: kubernetes.io/hostname, weight: 100}
  trustBundle:
    enabled: true
    secretName: nifi-ca-trust
    key: ca.crt
    format: pkcs12
    mountPath: /opt/nifi/trust
    containers: []
  enforcement: enforce
  allowOptOut: false
`;
    expect(parsePolicyText(text, 'issue').spec).to.deep.equal(DEFAULT_SPEC);
  });

  const badText: Array<{ name: string; text: string; message: RegExp }> = [
    { name: 'broken YAML', text: 'spec: [', message: /^invalid policy t: \(file\):1:\d+: not valid YAML/ },
    { name: 'two documents', text: 'a: 1\n---\nb: 2\n', message: /must hold exactly one document, found 2/ },
    { name: 'empty file', text: '# nothing\n', message: /found 0/ },
  ];
  for (const c of badText) {
    it(`reports ${c.name} as a one-line PolicyError`, () => {
      expect(() => parsePolicyText(c.text, 't')).to.throw(c.message);
    });
  }
});
