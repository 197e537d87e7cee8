// The benchmark's AdmissionReview: a NiFi node pod as a StatefulSet controller creates it for a
// cetic/helm-nifi style release (server container with the chart's start script, zookeeper wait init
// container, the chart's volumes, probes, ports, env; ownerReferences and the controller's managedFields),
// about 8.5 KB of JSON, the size the API server sends for such a pod. Written here from the chart's
// documented shape; nothing in it is copied.
import type { Json } from '../../src/json.js';

const script = [
  'prop_replace () {',
  '  target_file=${NIFI_HOME}/conf/${3:-nifi.properties}',
  '  echo "updating ${1} in ${target_file}"',
  '  if egrep "^${1}=" ${target_file} &> /dev/null; then',
  '    sed -i -e "s|^$1=.*$|$1=$2|" ${target_file}',
  '  else',
  '    echo ${1}=${2} >> ${target_file}',
  '  fi',
  '}',
  'mkdir -p ${NIFI_HOME}/config-data/conf',
  'FQDN=$(hostname -f)',
  'cat "${NIFI_HOME}/conf/nifi.temp" > "${NIFI_HOME}/conf/nifi.properties"',
  'prop_replace nifi.remote.input.host ${FQDN}',
  'prop_replace nifi.cluster.node.address ${FQDN}',
  'prop_replace nifi.zookeeper.connect.string ${NIFI_ZOOKEEPER_CONNECT_STRING}',
  'prop_replace nifi.web.https.host ${FQDN}',
  'prop_replace nifi.security.keystore ${NIFI_HOME}/config-data/certs/keystore.jks',
  'prop_replace nifi.security.truststore ${NIFI_HOME}/config-data/certs/truststore.jks',
  'cd ${NIFI_HOME}/config-data/certs && ${NIFI_TOOLKIT_HOME}/bin/tls-toolkit.sh client -c "nifi-ca" -t "$CA_TOKEN" --dn "CN=${FQDN}, OU=NIFI" -p 9090',
  'exec bin/nifi.sh run & nifi_pid="$!"',
  'trap "echo Received trapped signal, beginning shutdown...;" KILL TERM HUP INT EXIT;',
  'wait ${nifi_pid}',
].join('\n');

const mount = (name: string, mountPath: string, subPath?: string): Json => ({ name, mountPath, ...(subPath ? { subPath } : {}) });

export function benchPod(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'nifi-',
      namespace: 'nifi',
      labels: { app: 'nifi', release: 'nifi', chart: 'nifi-1.2.1', heritage: 'Helm', 'controller-revision-hash': 'nifi-6d4b9c7f9d', 'statefulset.kubernetes.io/pod-name': 'nifi-2' },
      annotations: { 'security.alpha.kubernetes.io/sysctls': 'net.ipv4.ip_local_port_range=10000 65000' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'nifi', uid: '5b0c3a9e-2f1d-4e8a-9c57-1f0e6d2b7a44', controller: true, blockOwnerDeletion: true }],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2026-12-01T10:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {}, 'f:release': {}, 'f:chart': {}, 'f:heritage': {}, 'f:controller-revision-hash': {} }, 'f:ownerReferences': { '.': {}, 'k:{"uid":"5b0c3a9e-2f1d-4e8a-9c57-1f0e6d2b7a44"}': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"server"}': { '.': {}, 'f:command': {}, 'f:env': {}, 'f:image': {}, 'f:livenessProbe': {}, 'f:ports': {}, 'f:readinessProbe': {}, 'f:resources': {}, 'f:volumeMounts': {} } }, 'f:initContainers': {}, 'f:volumes': {}, 'f:hostname': {}, 'f:subdomain': {}, 'f:securityContext': {} },
          },
        },
      ],
    },
    spec: {
      hostname: 'nifi-2',
      subdomain: 'nifi-headless',
      securityContext: { runAsUser: 1000, fsGroup: 1000 },
      terminationGracePeriodSeconds: 30,
      initContainers: [
        {
          name: 'zookeeper',
          image: 'busybox:1.32.0',
          command: ['sh', '-c', 'echo trying to contact nifi-zookeeper 2181\nuntil nc -vzw 1 nifi-zookeeper 2181; do\n  echo "waiting for zookeeper..."\n  sleep 2\ndone'],
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      containers: [
        {
          name: 'server',
          image: 'apache/nifi:1.23.2',
          imagePullPolicy: 'IfNotPresent',
          command: ['bash', '-ce', script],
          env: [
            { name: 'NIFI_ZOOKEEPER_CONNECT_STRING', value: 'nifi-zookeeper:2181' },
            { name: 'NIFI_SENSITIVE_PROPS_KEY', valueFrom: { secretKeyRef: { name: 'nifi-sensitive', key: 'key' } } },
            { name: 'CA_TOKEN', valueFrom: { secretKeyRef: { name: 'nifi-ca-token', key: 'token' } } },
            { name: 'NIFI_JVM_HEAP_INIT', value: '2g' },
            { name: 'NIFI_JVM_HEAP_MAX', value: '2g' },
            { name: 'NIFI_WEB_HTTPS_PORT', value: '8443' },
            { name: 'NIFI_CLUSTER_IS_NODE', value: 'true' },
            { name: 'NIFI_CLUSTER_NODE_PROTOCOL_PORT', value: '6007' },
            { name: 'NIFI_ELECTION_MAX_WAIT', value: '1 min' },
          ],
          ports: [
            { name: 'https', containerPort: 8443, protocol: 'TCP' },
            { name: 'cluster', containerPort: 6007, protocol: 'TCP' },
            { name: 'site-to-site', containerPort: 10000, protocol: 'TCP' },
          ],
          lifecycle: { preStop: { exec: { command: ['bash', '-c', '$NIFI_HOME/bin/nifi.sh stop'] } } },
          readinessProbe: { initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, exec: { command: ['bash', '-c', 'curl -kv --cert ${NIFI_HOME}/config-data/certs/admin/crt.pem --key ${NIFI_HOME}/config-data/certs/admin/key.pem https://$(hostname -f):8443/nifi-api/controller/cluster > $NIFI_BASE_DIR/data/cluster.state'] } },
          livenessProbe: { initialDelaySeconds: 90, periodSeconds: 60, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, tcpSocket: { port: 8443 } },
          resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
          volumeMounts: [
            mount('logs', '/opt/nifi/nifi-current/logs'),
            mount('data', '/opt/nifi/data'),
            mount('auth-conf', '/opt/nifi/nifi-current/auth-conf'),
            mount('config-data', '/opt/nifi/nifi-current/config-data'),
            mount('flowfile-repository', '/opt/nifi/flowfile_repository'),
            mount('content-repository', '/opt/nifi/content_repository'),
            mount('provenance-repository', '/opt/nifi/provenance_repository'),
            mount('bootstrap-conf', '/opt/nifi/nifi-current/conf/bootstrap.conf', 'bootstrap.conf'),
            mount('nifi-properties', '/opt/nifi/nifi-current/conf/nifi.temp', 'nifi.temp'),
            mount('authorizers-temp', '/opt/nifi/nifi-current/conf/authorizers.temp', 'authorizers.temp'),
            mount('logback-xml', '/opt/nifi/nifi-current/conf/logback.xml', 'logback.xml'),
            mount('state-management-xml', '/opt/nifi/nifi-current/conf/state-management.xml', 'state-management.xml'),
            mount('zookeeper-properties', '/opt/nifi/nifi-current/conf/zookeeper.properties', 'zookeeper.properties'),
          ],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      volumes: [
        ...['bootstrap-conf', 'nifi-properties', 'authorizers-temp', 'logback-xml', 'state-management-xml', 'zookeeper-properties'].map((name) => ({
          name,
          configMap: { name: 'nifi-config', items: [{ key: name.replace(/-(conf|xml|properties|temp)$/, '.$1'), path: name.replace(/-(conf|xml|properties|temp)$/, '.$1') }], defaultMode: 420 },
        })),
        ...['logs', 'data', 'auth-conf', 'config-data', 'flowfile-repository', 'content-repository', 'provenance-repository'].map((name) => ({
          name,
          persistentVolumeClaim: { claimName: `${name}-nifi-2` },
        })),
      ],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['nifi'] }] }, topologyKey: 'kubernetes.io/hostname' } },
          ],
        },
      },
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      enableServiceLinks: true,
      priority: 0,
    },
    status: {},
  };
}

/** The review as the API server posts it, as text. */
export function benchReviewText(): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '8f4c2d5e-0b6a-4c1e-9a3f-7d2e5b1c0a9f',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'nifi',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:kube-system:statefulset-controller', uid: 'a1b2c3d4-0000-4000-8000-000000000001', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
      object: benchPod(),
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  });
}
