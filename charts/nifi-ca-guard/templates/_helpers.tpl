{{/*
Names. Every object name, and every name the webhook is told in its args, comes from one of these
helpers, so RBAC resourceNames and the args cannot disagree.
*/}}

{{- define "nifi-ca-guard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Service, Deployment, RBAC objects, webhook configuration and Lease: 63 characters at most (a Service name is a DNS label). */}}
{{- define "nifi-ca-guard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nifi-ca-guard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "nifi-ca-guard.labels" -}}
helm.sh/chart: {{ include "nifi-ca-guard.chart" . }}
{{ include "nifi-ca-guard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "nifi-ca-guard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nifi-ca-guard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "nifi-ca-guard.serviceAccountName" -}}
{{- include "nifi-ca-guard.fullname" . }}
{{- end }}

{{- define "nifi-ca-guard.policyConfigMapName" -}}
{{- printf "%s-policy" (include "nifi-ca-guard.fullname" .) }}
{{- end }}

{{- define "nifi-ca-guard.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "nifi-ca-guard.fullname" .)) .Values.tls.secretName }}
{{- end }}

{{- define "nifi-ca-guard.webhookConfigurationName" -}}
{{- include "nifi-ca-guard.fullname" . }}
{{- end }}

{{- define "nifi-ca-guard.serviceName" -}}
{{- include "nifi-ca-guard.fullname" . }}
{{- end }}

{{/* The Lease that elects the one replica writing policy status (watchPolicies), the TLS Secret and the caBundle (selfManaged). */}}
{{- define "nifi-ca-guard.leaseName" -}}
{{- include "nifi-ca-guard.fullname" . }}
{{- end }}

{{/* The Role and RoleBinding in namespace default for Events about NiFiTrustPolicy objects (watchPolicies): 63 characters at most. */}}
{{- define "nifi-ca-guard.eventsRoleName" -}}
{{- printf "%s-events" (include "nifi-ca-guard.fullname" . | trunc 56 | trimSuffix "-") }}
{{- end }}

{{/* cert-manager objects (certManager mode): the serving Certificate, and the chart's own CA chain when no issuerRef is given. */}}
{{- define "nifi-ca-guard.certificateName" -}}
{{- printf "%s-tls" (include "nifi-ca-guard.fullname" .) }}
{{- end }}

{{- define "nifi-ca-guard.selfSignedIssuerName" -}}
{{- printf "%s-selfsigned" (include "nifi-ca-guard.fullname" .) }}
{{- end }}

{{- define "nifi-ca-guard.caName" -}}
{{- printf "%s-ca" (include "nifi-ca-guard.fullname" .) }}
{{- end }}

{{/*
The image, for the webhook and for the init containers it injects: repository:tag, or
repository:tag@digest when a digest is given (the tag then only documents the version).
*/}}
{{- define "nifi-ca-guard.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end }}

{{/*
The caBundle of manual mode, base64 of PEM, or a clear failure: an empty caBundle would leave every
NiFi pod refused (failurePolicy Fail) with a TLS error that does not say why.
*/}}
{{- define "nifi-ca-guard.manualCaBundle" -}}
{{- $given := .Values.tls.manual.caBundle -}}
{{- if not ($given | trim) -}}
{{- fail "tls.mode=manual needs tls.manual.caBundle: the PEM (or base64 of the PEM) of the CA that signed the certificate in the TLS Secret" -}}
{{- end -}}
{{- $b64 := ternary ($given | b64enc) ($given | nospace) (contains "-----BEGIN" $given) -}}
{{- if not (contains "-----BEGIN CERTIFICATE-----" (b64dec $b64)) -}}
{{- fail "tls.manual.caBundle is neither a PEM certificate nor base64 of one" -}}
{{- end -}}
{{- $b64 -}}
{{- end }}

{{/* Pods of the webhook itself: the Service, PDB, NetworkPolicy and anti-affinity select them. */}}
{{- define "nifi-ca-guard.podSelector" -}}
matchLabels:
  {{- include "nifi-ca-guard.selectorLabels" . | nindent 2 }}
{{- end }}

{{/* The labels a namespace needs when namespaceOptIn is enabled. */}}
{{- define "nifi-ca-guard.optInLabels" -}}
{{- toYaml (.Values.namespaceOptIn.matchLabels | default (dict "nifi-ca-guard.io/enabled" "true")) }}
{{- end }}
