import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

// The goldens (test/golden/explain.test.ts) cover the explanations; this is explain's input handling,
// workloads and stdin, drift the goldens do not show (init image, password), and bad input. --pod
// against a real API server is in test/e2e/s11-explain.e2e.ts.
describe('cli: nifi-ca-guard explain', () => {
  const root = mkdtempSync(join(tmpdir(), 'explain-cli-'));
  const file = (name: string, text: string): string => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const nifiPod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: nifi-0, namespace: nifi, labels: {app: nifi}}\nspec: {containers: [{name: nifi, image: apache/nifi:1.28.1, env: [{name: AUTH, value: tls}]}]}\n';
  const pod = file('pod.yaml', nifiPod);
  const policy = (name: string, spec: string): string =>
    file(`${name}.yaml`, `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: p}\nspec: ${spec}\n`);

  /** A port nothing listens on: the kubeconfig's server refuses every connection. */
  async function closedPort(): Promise<number> {
    const srv = createServer();
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((ok) => srv.close(() => ok()));
    return port;
  }
  const kubeconfig = (server: string): string =>
    file(
      'kubeconfig.yaml',
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]\n` +
        'users: [{name: u, user: {token: abc}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n',
    );

  describe('bad input: one line, exit status', () => {
    const noHome = mkdtempSync(join(tmpdir(), 'explain-home-'));
    const cases: Array<{ name: string; args: () => Promise<string[]> | string[]; env?: NodeJS.ProcessEnv; code: number; error: RegExp }> = [
      { name: 'neither -f nor --pod', args: () => ['explain'], code: 2, error: /^nifi-ca-guard: give one of -f FILE or --pod NAMESPACE\/NAME$/ },
      { name: 'both -f and --pod', args: () => ['explain', '-f', pod, '--pod', 'nifi/nifi-0'], code: 2, error: /^nifi-ca-guard: give one of -f FILE or --pod NAMESPACE\/NAME$/ },
      { name: 'a --pod without a namespace', args: () => ['explain', '--pod', 'nifi-0'], code: 2, error: /^nifi-ca-guard: --pod: must be NAMESPACE\/NAME, got "nifi-0"$/ },
      { name: 'an unreadable file', args: () => ['explain', '-f', join(root, 'nope.yaml')], code: 1, error: /^nifi-ca-guard: cannot read .*nope\.yaml: ENOENT$/ },
      { name: 'a file with no pod in it', args: () => ['explain', '-f', file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')], code: 1, error: /^nifi-ca-guard: .*cm\.yaml: no Pod or workload with a pod template to explain$/ },
      { name: 'a --cluster-policies file holding a Pod', args: () => ['explain', '-f', pod, '--cluster-policies', pod], code: 1, error: /^nifi-ca-guard: --cluster-policies .*pod\.yaml: holds a Pod, not only NiFiTrustPolicy objects$/ },
      { name: 'an invalid --policy', args: () => ['explain', '-f', pod, '--policy', policy('bad', '{placement: {mode: sometimes}}')], code: 1, error: /^nifi-ca-guard: invalid policy .*bad\.yaml: spec\.placement\.mode: must be one of required, preferred, off$/ },
      {
        name: '--pod with no kubeconfig at all',
        args: () => ['explain', '--pod', 'nifi/nifi-0'],
        env: { KUBECONFIG: undefined, HOME: noHome, KUBERNETES_SERVICE_HOST: undefined },
        code: 1,
        error: /^nifi-ca-guard: no Kubernetes cluster configured: KUBECONFIG is not set and .*\.kube\/config does not exist; set KUBECONFIG or --kubeconfig, or explain a file with -f$/,
      },
      { name: 'a --kubeconfig that does not exist', args: () => ['explain', '--pod', 'nifi/nifi-0', '--kubeconfig', join(root, 'no-kubeconfig')], code: 1, error: /^nifi-ca-guard: cannot load the kubeconfig .*no-kubeconfig: ENOENT$/ },
      { name: 'an unknown --context', args: () => ['explain', '--pod', 'nifi/nifi-0', '--kubeconfig', kubeconfig('https://127.0.0.1:1'), '--context', 'elsewhere'], code: 1, error: /^nifi-ca-guard: --context elsewhere: no such context in the kubeconfig$/ },
      {
        name: 'an API server that refuses connections',
        args: async () => ['explain', '--pod', 'nifi/nifi-0', '--kubeconfig', kubeconfig(`https://127.0.0.1:${await closedPort()}`)],
        code: 1,
        error: /^nifi-ca-guard: cannot read pod nifi\/nifi-0: .*ECONNREFUSED/,
      },
    ];
    for (const c of cases) {
      it(`${c.name}: exit ${c.code}`, async () => {
        const res = await runCli(await c.args(), { env: c.env });
        expect(res.code, res.stderr).to.equal(c.code);
        expect(res.stdout).to.equal('');
        expect(res.stderr.trim().split('\n'), res.stderr).to.have.length(1);
        expect(res.stderr.trim()).to.match(c.error);
      });
    }
  });

  it('reads stdin, explains each pod-creating object of a multi-document file (a workload by its template), skips the rest', async () => {
    const sts =
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: nifi, namespace: nifi}\nspec:\n  template:\n    metadata: {labels: {app: nifi}}\n' +
      '    spec: {containers: [{name: nifi, image: apache/nifi:1.28.1}]}\n';
    const input = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n---\n${sts}---\n${nifiPod}`;
    const res = await runCli(['explain', '-f', '-', '-o', 'json'], { input });
    expect(res.code, res.stderr).to.equal(0);
    const out = JSON.parse(res.stdout) as { version: number; items: Array<{ object: string; namespace: string; role: string; decision: string }> };
    expect(out.version).to.equal(1);
    expect(out.items.map((i) => [i.object, i.namespace, i.role, i.decision])).to.deep.equal([
      ['StatefulSet/nifi', 'nifi', 'nifi', 'mutated'],
      ['Pod/nifi-0', 'nifi', 'nifi', 'mutated'],
    ]);
  });

  it('-n names the namespace of objects that name none, as preview', async () => {
    const res = await runCli(['explain', '-f', '-', '-n', 'other', '-o', 'json'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: nifi-ca}}\nspec: {containers: [{name: c, image: x}]}\n' });
    expect(res.code, res.stderr).to.equal(0);
    const item = (JSON.parse(res.stdout) as { items: Array<{ namespace: string; role: string }> }).items[0]!;
    expect(item).to.include({ namespace: 'other', role: 'nifi-ca' });
  });

  /** The pod as the webhook would admit it under `policyFile` (preview's output is that pod). */
  async function admitted(policyFile: string): Promise<string> {
    const res = await runCli(['preview', '-f', pod, '--policy', policyFile]);
    expect(res.code, res.stderr).to.equal(0);
    return file(`admitted-${Math.random().toString(36).slice(2)}.yaml`, res.stdout);
  }

  interface Drift {
    drifted: boolean;
    features: Array<{ feature: string; state: string; differences: string[] }>;
  }
  async function drift(podFile: string, args: string[]): Promise<{ drift: Drift; text: string }> {
    const json = await runCli(['explain', '-f', podFile, ...args, '-o', 'json']);
    expect(json.code, json.stderr).to.equal(0);
    const text = await runCli(['explain', '-f', podFile, ...args]);
    return { drift: (JSON.parse(json.stdout) as { items: Array<{ drift: Drift }> }).items[0]!.drift, text: text.stdout + json.stdout };
  }

  const edits: Array<{ name: string; before: string; after: string[]; drifted: RegExp | undefined; hidden?: string[] }> = [
    { name: 'the same policy', before: '{}', after: ['--policy', policy('same', '{}')], drifted: undefined },
    { name: 'another init image (serve --init-image)', before: '{}', after: ['--policy', policy('image', '{}'), '--init-image', 'registry.example/nifi-ca-guard:9.9.9'], drifted: /init container nifi-ca-guard-truststore: image: "nifi-ca-guard:.*" → "registry\.example\/nifi-ca-guard:9\.9\.9"/ },
    { name: 'another mount path', before: '{}', after: ['--policy', policy('mount', '{trustBundle: {mountPath: /etc/nifi-trust}}')], drifted: /container nifi: mount nifi-ca-guard-truststore: mountPath: "\/opt\/nifi\/trust" → "\/etc\/nifi-trust"/ },
    {
      name: 'another literal password (never printed)',
      before: '{trustBundle: {password: {value: old-pw-1234}}}',
      after: ['--policy', policy('pw', '{trustBundle: {password: {value: new-pw-5678}}}')],
      drifted: /container nifi: env TRUSTSTORE_PASSWORD: value: \(not shown\) → \(not shown\)/,
      hidden: ['old-pw-1234', 'new-pw-5678'],
    },
    { name: 'a password from a Secret', before: '{}', after: ['--policy', policy('pw-secret', '{trustBundle: {password: {secretName: trust-pw}}}')], drifted: /env TRUSTSTORE_PASSWORD: valueFrom: \(none\) → \{"secretKeyRef":\{"name":"trust-pw","key":"password"\}\}/ },
    { name: 'merge wiring instead of env', before: '{}', after: ['--policy', policy('merge', '{trustBundle: {wiring: merge, merge: {after: enrol, volume: certs, store: truststore.jks}}}')], drifted: /^carried \(pkcs12\); the policy no longer adds it$|^pkcs12 → skipped$/ },
  ];
  for (const e of edits) {
    it(`drift of an admitted pod after ${e.name}: ${e.drifted ? 'drifted' : 'in step'}`, async () => {
      const podFile = await admitted(policy(`before-${e.after[1]!.replace(/\W/g, '')}`, e.before));
      const { drift: d, text } = await drift(podFile, e.after);
      expect(d.drifted, JSON.stringify(d)).to.equal(e.drifted !== undefined);
      const trust = d.features.find((f) => f.feature === 'trust-bundle')!;
      if (e.drifted) expect(trust.differences.some((x) => e.drifted!.test(x)), JSON.stringify(trust)).to.equal(true);
      else expect(trust).to.deep.equal({ feature: 'trust-bundle', state: 'in-step', differences: [] });
      for (const secret of e.hidden ?? []) expect(text).to.not.include(secret);
    });
  }
});
