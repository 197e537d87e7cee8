// What hack/e2e/run.sh hands the suite (through hack/e2e/up.sh's env file).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the e2e suite through \`make e2e\` (hack/e2e/run.sh)`);
  return v;
}

/** The repository root (dist/test/e2e/support -> ../../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/e2e/fixtures');

export interface E2eEnv {
  stateDir: string;
  kubeconfig: string;
  kubectl: string;
  webhookPort: number;
  apiserverPort: number;
}

let cached: E2eEnv | undefined;
export function e2eEnv(): E2eEnv {
  cached ??= {
    stateDir: required('E2E_STATE_DIR'),
    kubeconfig: required('E2E_KUBECONFIG'),
    kubectl: required('E2E_KUBECTL'),
    webhookPort: Number(required('E2E_WEBHOOK_PORT')),
    apiserverPort: Number(required('E2E_APISERVER_PORT')),
  };
  return cached;
}
