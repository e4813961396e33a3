{{/* Names */}}
{{- define "nasflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "nasflow.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: include "nasflow.selector" (list $ "worker") */}}
{{- define "nasflow.selector" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ $.Chart.Name }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "nasflow.image" -}}
{{- $img := index . 0 -}}{{- $ := index . 1 -}}
{{- printf "%s:%s" $img.repository (default $.Chart.AppVersion $img.tag) -}}
{{- end -}}

{{- define "nasflow.kafkaPropertiesSecret" -}}
{{- if .Values.kafka.propertiesSecret.name -}}
{{- .Values.kafka.propertiesSecret.name -}}
{{- else -}}
{{- printf "%s-kafka" (include "nasflow.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "nasflow.hasKafkaProperties" -}}
{{- if or .Values.kafka.propertiesSecret.name (gt (len .Values.kafka.properties) 0) -}}true{{- end -}}
{{- end -}}

{{- define "nasflow.artifactsClaim" -}}
{{- default (printf "%s-artifacts" (include "nasflow.fullname" .)) .Values.artifacts.persistence.existingClaim -}}
{{- end -}}

{{/* Values checked before anything renders: each failure names the value and the fix. */}}
{{- define "nasflow.validate" -}}
{{- if not .Values.temporal.address -}}
{{- fail "temporal.address is empty: set it to the Temporal frontend, e.g. temporal-frontend.temporal:7233 or <ns>.<account>.tmprl.cloud:7233" -}}
{{- end -}}
{{- if not .Values.kafka.bootstrap -}}
{{- fail "kafka.bootstrap is empty: set it to the Kafka bootstrap servers, e.g. my-cluster-kafka-bootstrap.kafka:9092" -}}
{{- end -}}
{{- if and .Values.temporal.tls.enabled .Values.temporal.tls.caKey (not .Values.temporal.tls.secretName) -}}
{{- fail "temporal.tls.caKey is set but temporal.tls.secretName is empty: name the Secret holding the PEM files, or set caKey to \"\" to use the JVM's default trust store" -}}
{{- end -}}
{{- if and .Values.temporal.tls.secretName (not .Values.temporal.tls.enabled) -}}
{{- fail "temporal.tls.secretName is set but temporal.tls.enabled is false: set temporal.tls.enabled=true to use it" -}}
{{- end -}}
{{- if and .Values.workerGpu.enabled (lt (int .Values.workerGpu.gpus) 1) -}}
{{- fail (printf "workerGpu.gpus is %v: give the number of GPUs per GPU worker pod (at least 1), or set workerGpu.enabled=false" .Values.workerGpu.gpus) -}}
{{- end -}}
{{- if and .Values.workerGpu.enabled (lt (int .Values.workerGpu.slotsPerGpu) 1) -}}
{{- fail (printf "workerGpu.slotsPerGpu is %v: give the worker processes per GPU (at least 1)" .Values.workerGpu.slotsPerGpu) -}}
{{- end -}}
{{- if and .Values.worker.enabled (lt (int .Values.worker.slots) 1) -}}
{{- fail (printf "worker.slots is %v: give the candidates each worker pod trains at once (at least 1)" .Values.worker.slots) -}}
{{- end -}}
{{- end -}}

{{/* Connection settings, as the environment every nasflow process reads. */}}
{{- define "nasflow.env" -}}
{{- $ := index . 0 -}}{{- $c := index . 1 -}}
- name: TEMPORAL_ADDRESS
  value: {{ $.Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ $.Values.temporal.namespace | quote }}
{{- if or $.Values.temporal.tls.enabled $.Values.temporal.apiKey.secretName }}
- name: TEMPORAL_TLS
  value: "true"
{{- end }}
{{- if $.Values.temporal.tls.enabled }}
{{- with $.Values.temporal.tls }}
{{- if and .secretName .certKey .keyKey }}
- name: TEMPORAL_TLS_CLIENT_CERT_PATH
  value: /etc/nasflow/temporal-tls/{{ .certKey }}
- name: TEMPORAL_TLS_CLIENT_KEY_PATH
  value: /etc/nasflow/temporal-tls/{{ .keyKey }}
{{- end }}
{{- if and .secretName .caKey }}
- name: TEMPORAL_TLS_SERVER_CA_CERT_PATH
  value: /etc/nasflow/temporal-tls/{{ .caKey }}
{{- end }}
{{- if .serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ .serverName | quote }}
{{- end }}
{{- if .disableHostVerification }}
- name: TEMPORAL_TLS_DISABLE_HOST_VERIFICATION
  value: "true"
{{- end }}
{{- end }}
{{- end }}
{{- if $.Values.temporal.apiKey.secretName }}
- name: TEMPORAL_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.temporal.apiKey.secretName }}
      key: {{ $.Values.temporal.apiKey.key }}
{{- end }}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ $.Values.kafka.bootstrap | quote }}
{{- if include "nasflow.hasKafkaProperties" $ }}
- name: NASFLOW_KAFKA_PROPERTIES
  value: /etc/nasflow/kafka/{{ if $.Values.kafka.propertiesSecret.name }}{{ $.Values.kafka.propertiesSecret.key }}{{ else }}client.properties{{ end }}
{{- end }}
- name: NASFLOW_JAVA_OPTS
  value: {{ $c.javaOpts | quote }}
{{- with $c.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Volumes every nasflow pod has; include "nasflow.volumes" (list $ withArtifacts) */}}
{{- define "nasflow.volumes" -}}
{{- $ := index . 0 -}}{{- $artifacts := index . 1 -}}
- name: work
  emptyDir: {}
- name: cache
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- if $artifacts }}
- name: artifacts
{{- if $.Values.artifacts.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "nasflow.artifactsClaim" $ }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- if $.Values.datasets.existingClaim }}
- name: datasets
  persistentVolumeClaim:
    claimName: {{ $.Values.datasets.existingClaim }}
    readOnly: true
{{- end }}
{{- end }}
{{- if and $.Values.temporal.tls.enabled $.Values.temporal.tls.secretName }}
- name: temporal-tls
  secret:
    secretName: {{ $.Values.temporal.tls.secretName }}
{{- end }}
{{- if include "nasflow.hasKafkaProperties" $ }}
- name: kafka-properties
  secret:
    secretName: {{ include "nasflow.kafkaPropertiesSecret" $ }}
{{- end }}
{{- if $.Values.kafka.tlsSecret }}
- name: kafka-tls
  secret:
    secretName: {{ $.Values.kafka.tlsSecret }}
{{- end }}
{{- end -}}

{{- define "nasflow.volumeMounts" -}}
{{- $ := index . 0 -}}{{- $artifacts := index . 1 -}}
- name: work
  mountPath: /opt/nasflow/work
- name: cache
  mountPath: /opt/nasflow/cache
- name: tmp
  mountPath: /tmp
{{- if $artifacts }}
- name: artifacts
  mountPath: /opt/nasflow/artifacts
{{- if $.Values.datasets.existingClaim }}
- name: datasets
  mountPath: /usr/share/datasets
  readOnly: true
{{- end }}
{{- end }}
{{- if and $.Values.temporal.tls.enabled $.Values.temporal.tls.secretName }}
- name: temporal-tls
  mountPath: /etc/nasflow/temporal-tls
  readOnly: true
{{- end }}
{{- if include "nasflow.hasKafkaProperties" $ }}
- name: kafka-properties
  mountPath: /etc/nasflow/kafka
  readOnly: true
{{- end }}
{{- if $.Values.kafka.tlsSecret }}
- name: kafka-tls
  mountPath: /etc/nasflow/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* One nasflow Deployment: include "nasflow.deployment" (dict "root" $ "component" "worker" "values" .Values.worker
     "image" .Values.image "args" (list ...) "replicas" 2 "artifacts" true "gpus" 0) */}}
{{- define "nasflow.deployment" -}}
{{- $ := .root -}}{{- $v := .values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "nasflow.fullname" $ }}-{{ .component }}
  labels:
    {{- include "nasflow.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  replicas: {{ .replicas }}
  {{- if eq (int .replicas) 1 }}
  strategy:
    type: Recreate
  {{- end }}
  selector:
    matchLabels:
      {{- include "nasflow.selector" (list $ .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "nasflow.labels" $ | nindent 8 }}
        app.kubernetes.io/component: {{ .component }}
      annotations:
        checksum/kafka-properties: {{ toJson $.Values.kafka.properties | sha256sum }}
        {{- with $.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.runtimeClassName }}
      runtimeClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $.Values.podSecurityContext | nindent 8 }}
      # a worker passes SIGTERM to its slot processes and waits up to 30 s for them
      terminationGracePeriodSeconds: 60
      containers:
        - name: {{ .component }}
          image: {{ include "nasflow.image" (list .image $) | quote }}
          imagePullPolicy: {{ .image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
          env:
            {{- include "nasflow.env" (list $ $v) | nindent 12 }}
          ports:
            - name: metrics
              containerPort: {{ $.Values.metrics.port }}
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /health
              port: metrics
            initialDelaySeconds: 60
            periodSeconds: 20
            timeoutSeconds: 5
            failureThreshold: 6
          resources:
            {{- $res := deepCopy ($v.resources | default dict) }}
            {{- if gt (int .gpus) 0 }}
            {{- $limits := merge (dict "nvidia.com/gpu" (int .gpus)) ($res.limits | default dict) }}
            {{- $_ := set $res "limits" $limits }}
            {{- end }}
            {{- toYaml $res | nindent 12 }}
          securityContext:
            {{- toYaml $.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "nasflow.volumeMounts" (list $ .artifacts) | nindent 12 }}
      volumes:
        {{- include "nasflow.volumes" (list $ .artifacts) | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
