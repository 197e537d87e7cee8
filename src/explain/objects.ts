// The pods of the objects in a file, as preview reads them: a Pod is its own pod, a workload's pod
// template the pod its controller would create. Objects that create no pods are left out.
import type { ClusterFacts } from '../mutation/facts.js';
import { isJson, type Json } from '../mutation/pod.js';
import { findTemplate, podFromTemplate } from '../preview/templates.js';
import { explainPod, type Explanation, type FactsReport, type PolicyContext } from './explain.js';

export interface ExplainContext {
  policies: PolicyContext;
  facts: ClusterFacts;
  factsReport: FactsReport;
  running: boolean;
}

export function explainObject(obj: Json, defaultNamespace: string, ctx: ExplainContext): Explanation | undefined {
  const template = findTemplate(obj);
  if (!template) return undefined;
  const meta = isJson(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? `${meta.generateName}*` : '(unnamed)';
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace;
  return explainPod({ ref: `${String(obj.kind)}/${name}`, pod: podFromTemplate(template), namespace, ...ctx });
}
