/** Where the webhook runs in-cluster: Service `nifi-ca-guard` in namespace `nifi-ca-guard`. */
export const SERVICE_NAME = 'nifi-ca-guard';
export const SERVICE_NAMESPACE = 'nifi-ca-guard';

/** The names the API server may dial for a Service; it uses `<service>.<namespace>.svc`. */
export function serviceDnsNames(service = SERVICE_NAME, namespace = SERVICE_NAMESPACE): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

const LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})*$`);

/** RFC 1123 host name, optionally with a leading wildcard label. */
export function isDnsName(name: string): boolean {
  return name.length <= 253 && DNS_NAME.test(name);
}
