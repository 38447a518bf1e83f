{{/*
preadmit-policies.enabled prints "true" when the policy named .name, of
level .level (generated from the library: always, baseline, restricted or
opt-in), is installed under .Values; the same decision as preadmit's
--profile, --enable and --disable. It also checks the values.
*/}}
{{- define "preadmit-policies.enabled" -}}
{{- $v := .Values -}}
{{- $profile := $v.profile | default "restricted" -}}
{{- if not (has $profile (list "restricted" "baseline" "none" "podsecurity-baseline" "podsecurity-restricted")) -}}
{{- fail (printf "profile %q: expected restricted, baseline, none, podsecurity-baseline or podsecurity-restricted" $profile) -}}
{{- end -}}
{{- if and $v.failureAction (not (has $v.failureAction (list "Audit" "Enforce"))) -}}
{{- fail (printf "failureAction %q: expected Audit, Enforce or empty" $v.failureAction) -}}
{{- end -}}
{{- if has .name ($v.disable | default list) -}}
{{- else if eq .level "opt-in" -}}
{{- if or (has .name ($v.enable | default list)) (eq $profile .name) }}true{{ end -}}
{{- else if eq .level "baseline" -}}
{{- if or (eq $profile "baseline") (eq $profile "restricted") }}true{{ end -}}
{{- else if eq .level "restricted" -}}
{{- if eq $profile "restricted" }}true{{ end -}}
{{- else -}}
true
{{- end -}}
{{- end -}}
