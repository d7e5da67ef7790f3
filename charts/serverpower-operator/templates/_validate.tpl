{{/*
The limits the operator puts on its flags (src/ServerPower.Operator/Hosting/OptionsParser.cs and ProviderSettingsParser.cs),
checked here so that a value the operator would refuse fails `helm template`/`helm install` instead of crash-looping
the pod. values.schema.json holds the ones JSON Schema can say (types, whole-number ranges, the duration pattern);
durations compared with each other or with a bound are checked below. tests/ServerPower.Deployment.Tests/Chart/
ChartLimitsTests.cs renders each limit's edges and runs the operator's own parser on the result, so both say the same.
*/}}

{{/* Seconds in a Go duration of ms, s, m and h (the schema has checked its form): "1h30m" -> 5400, "250ms" -> 0.25. */}}
{{- define "serverpower-operator.seconds" -}}
{{- $total := 0.0 -}}
{{- $scale := dict "ms" 0.001 "s" 1.0 "m" 60.0 "h" 3600.0 -}}
{{- range regexFindAll "[0-9]+(\\.[0-9]+)?(ms|s|m|h)" (toString .) -1 -}}
{{- $unit := regexFind "(ms|s|m|h)$" . -}}
{{- $total = addf $total (mulf (float64 (trimSuffix $unit .)) (get $scale $unit)) -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{/* Fails unless the duration at .value (named .name) is within .min and .max seconds. */}}
{{- define "serverpower-operator.durationWithin" -}}
{{- $s := float64 (include "serverpower-operator.seconds" .value) -}}
{{- if or (lt $s (float64 .min)) (gt $s (float64 .max)) -}}
{{- fail (printf "%s must be from %s to %s (the operator refuses %s)" .name .minText .maxText (toString .value)) -}}
{{- end -}}
{{- end -}}

{{- define "serverpower-operator.validate" -}}
{{- $v := .Values -}}
{{- $durations := list
    (dict "name" "resyncPeriod" "value" $v.resyncPeriod "min" 10 "minText" "10s")
    (dict "name" "timings.minPoll" "value" $v.timings.minPoll "min" 0.1 "minText" "100ms")
    (dict "name" "timings.maxPoll" "value" $v.timings.maxPoll)
    (dict "name" "timings.startTimeout" "value" $v.timings.startTimeout)
    (dict "name" "timings.drainTimeout" "value" $v.timings.drainTimeout)
    (dict "name" "provider.requestTimeout" "value" $v.provider.requestTimeout "min" 0.1 "minText" "100ms" "max" 3600 "maxText" "1h")
    (dict "name" "provider.retryBaseDelay" "value" $v.provider.retryBaseDelay)
    (dict "name" "provider.maxRetryDelay" "value" $v.provider.maxRetryDelay "max" 3600 "maxText" "1h")
    (dict "name" "provider.batchReadMaxAge" "value" $v.provider.batchReadMaxAge "max" 600 "maxText" "10m")
    (dict "name" "provider.breaker.samplingDuration" "value" $v.provider.breaker.samplingDuration "min" 1 "minText" "1s" "max" 86400 "maxText" "24h")
    (dict "name" "provider.breaker.breakDuration" "value" $v.provider.breaker.breakDuration "min" 1 "minText" "1s" "max" 86400 "maxText" "24h")
-}}
{{- range $durations -}}
{{- include "serverpower-operator.durationWithin" (merge . (dict "min" 0 "minText" "0s" "max" 31536000 "maxText" "8760h")) -}}
{{- end -}}
{{- $minPoll := float64 (include "serverpower-operator.seconds" $v.timings.minPoll) -}}
{{- if lt (float64 (include "serverpower-operator.seconds" $v.timings.maxPoll)) $minPoll -}}
{{- fail (printf "timings.maxPoll (%s) must be at least timings.minPoll (%s)" $v.timings.maxPoll $v.timings.minPoll) -}}
{{- end -}}
{{- if lt (float64 (include "serverpower-operator.seconds" $v.timings.startTimeout)) $minPoll -}}
{{- fail (printf "timings.startTimeout (%s) must be at least timings.minPoll (%s)" $v.timings.startTimeout $v.timings.minPoll) -}}
{{- end -}}
{{- if gt (float64 (include "serverpower-operator.seconds" $v.provider.retryBaseDelay)) (float64 (include "serverpower-operator.seconds" $v.provider.maxRetryDelay)) -}}
{{- fail (printf "provider.retryBaseDelay (%s) must be at most provider.maxRetryDelay (%s)" $v.provider.retryBaseDelay $v.provider.maxRetryDelay) -}}
{{- end -}}
{{- end -}}
