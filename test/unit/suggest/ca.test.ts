import { expect } from 'chai';
import type { Json } from '../../../src/mutation/pod.js';
import { suggestCaPinning } from '../../../src/suggest/ca.js';
import { workload, type Shape } from './objects.js';

const server = (extra: Json = {}): Json => ({
  name: 'ca',
  image: 'apache/nifi-toolkit:1.12.1',
  command: ['sh', '-c', 'exec ${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh server -c nifi-ca -t x -p 9090 --configJson config.json --useConfigJson'],
  ...extra,
});
const ca = (spec: Json, more: Partial<Shape> = {}): Shape => ({ kind: 'Deployment', name: 'nifi-ca', labels: { app: 'nifi-ca' }, spec, ...more });

describe('suggest: CA pinning advice', () => {
  const cases: Array<{ name: string; shape: Shape; caPinning: Json; comment: RegExp; not?: RegExp }> = [
    {
      name: 'a workingDir on no volume: workDir is that directory',
      shape: ca({ containers: [server({ workingDir: '/opt/ca/' })] }),
      caPinning: { enabled: false, workDir: '/opt/ca' },
      comment: /Container ca's workingDir: the toolkit reads config\.json and its keystore from there/,
    },
    {
      name: 'no workingDir: the default workDir, and pinning sets workingDir',
      shape: ca({ containers: [server()], securityContext: { runAsUser: 1001 } }),
      caPinning: { enabled: false, runAsUser: 1001 },
      comment: /Container ca sets no workingDir: pinning sets it to workDir \(default \/var\/lib\/nifi-ca\)[\s\S]*From the pod's securityContext/,
    },
    {
      name: "the container's runAsUser wins over the pod's",
      shape: ca({ containers: [server({ securityContext: { runAsUser: 2000 } })], securityContext: { runAsUser: 1001 } }),
      caPinning: { enabled: false, runAsUser: 2000 },
      comment: /From the container's securityContext/,
    },
    {
      name: 'a PVC at the working directory (the cetic CA subchart): no workDir, and what to change in the values',
      shape: ca(
        {
          containers: [server({ workingDir: '/ca', volumeMounts: [{ name: 'nifi-ca', mountPath: '/ca', subPath: 'ca' }] })],
          volumes: [{ name: 'nifi-ca', persistentVolumeClaim: { claimName: 'nifi-ca' } }],
          securityContext: { runAsUser: 1000, fsGroup: 1000 },
        },
        { labels: { app: 'ca-ca', release: 'nifi' } },
      ),
      caPinning: { enabled: false, runAsUser: 1000 },
      comment: /WARNING: Deployment\/nifi-ca keeps its working directory \/ca \(the CA key\) on PVC nifi-ca: the key survives only while that volume can follow the pod[\s\S]*Take the claim off/,
    },
    {
      name: 'a volumeClaimTemplate at the working directory (a StatefulSet CA)',
      shape: { kind: 'StatefulSet', name: 'ca', labels: { app: 'nifi-ca' }, spec: { containers: [server({ workingDir: '/ca', volumeMounts: [{ name: 'data', mountPath: '/ca' }] })] } },
      caPinning: { enabled: false },
      comment: /on PVC data/,
    },
    {
      name: 'an emptyDir at the working directory: workDir, with a warning that the mount must go',
      shape: ca({ containers: [server({ workingDir: '/ca', volumeMounts: [{ name: 'w', mountPath: '/ca' }] })], volumes: [{ name: 'w', emptyDir: {} }] }),
      caPinning: { enabled: false, workDir: '/ca' },
      comment: /WARNING: \/ca is volume w in container ca: pinning mounts an emptyDir there/,
    },
    {
      name: 'a server without --useConfigJson: the webhook would skip pinning it',
      shape: ca({ containers: [server({ command: ['/bin/sh', '-c', '${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh server -c nifi-ca -t x -p 9090'] })] }),
      caPinning: { enabled: false },
      comment: /WARNING: container ca starts tls-toolkit\.sh server without --useConfigJson: the toolkit would refuse a restored keystore, so the webhook skips pinning it\. Add --configJson config\.json --useConfigJson/,
    },
    {
      name: "cetic's script adds the flags itself when config.json exists",
      shape: ca({ containers: [server({ command: ['sh', '-c', 'if [ -f config.json ]; then\n  OPTIONS="--configJson config.json --useConfigJson"\nfi\nexec tls-toolkit.sh server -p 9090 ${OPTIONS}'] })] }),
      caPinning: { enabled: false },
      comment: /sets no workingDir/,
      not: /WARNING: container ca starts/,
    },
    {
      name: 'root: no runAsUser, and a note',
      shape: ca({ containers: [server()], securityContext: { runAsUser: 0 } }),
      caPinning: { enabled: false },
      comment: /Container ca runs as root: the restore runs as runAsUser \(1000\)/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = suggestCaPinning([workload(c.shape)], 'nifi');
      expect(s.caPinning).to.deep.equal(c.caPinning);
      const text = s.comments.flatMap((x) => x.lines).join('\n');
      expect(text).to.match(c.comment);
      expect(text).to.match(/nifi-ca-guard ca adopt -n nifi --from <that copy> --dir pinned[\s\S]*3\. set enabled: true/);
      if (c.not) expect(text).not.to.match(c.not);
    });
  }

  it('names the chart value for the cetic CA subchart', () => {
    const obj = workload(ca({
      containers: [server({ workingDir: '/ca', volumeMounts: [{ name: 'nifi-ca', mountPath: '/ca', subPath: 'ca' }] })],
      volumes: [{ name: 'nifi-ca', persistentVolumeClaim: { claimName: 'nifi-ca' } }],
    }, { labels: { app: 'ca-ca', release: 'nifi' }, ownerLabels: { app: 'ca-ca', chart: 'ca-1.0.1', release: 'nifi' } }));
    const text = suggestCaPinning([obj], undefined).comments.flatMap((x) => x.lines).join('\n');
    expect(text).to.match(/Set ca\.persistence\.enabled=false in the chart's values: the chart then sets no workingDir/);
    expect(text).to.match(/ca adopt -n NAMESPACE/);
  });

});
