{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "serverpower-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed to the chart name unless it already contains it. */}}
{{- define "serverpower-operator.fullname" -}}
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

{{- define "serverpower-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */}}
{{- define "serverpower-operator.labels" -}}
helm.sh/chart: {{ include "serverpower-operator.chart" . }}
{{ include "serverpower-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: serverpower-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels: stable across upgrades (a Deployment's selector is immutable). */}}
{{- define "serverpower-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "serverpower-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "serverpower-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "serverpower-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "serverpower-operator.leaseName" -}}
{{- default (include "serverpower-operator.fullname" .) .Values.leaderElection.leaseName }}
{{- end }}

{{- define "serverpower-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The operator's rules, the same in the ClusterRole and in each namespaced Role. Exactly what it calls:
its two kinds (update/patch for finalizers), PowerSchedules (read only), the status subresource of all three, Secrets get only (credentials in
the resource's own namespace; no list/watch, so it never reads Secrets it is not pointed at), and events.
*/}}
{{- define "serverpower-operator.rules" -}}
- apiGroups: ["power.serverops.io"]
  resources: ["serverpowers", "powerproviders"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["power.serverops.io"]
  resources: ["powerschedules"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["power.serverops.io"]
  resources: ["serverpowers/status", "powerproviders/status", "powerschedules/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
