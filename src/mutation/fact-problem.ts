/**
 * A problem only cluster knowledge reveals (ClusterFacts): a kubectl warning, and a short name for the
 * `cluster-problems` audit annotation, so an audit log search finds pods admitted into such a state.
 */
export interface FactProblem {
  kind: 'placement-unsatisfiable' | 'trust-secret-missing' | 'password-secret-missing';
  text: string;
}
