{{/*
preadmit-policies.enabled prints "true" when the policy named .name, of
level .level (generated from the library: always, baseline, restricted or
opt-in), is installed under .Values; the same decision as preadmit's
--profile, --enable and --disable. A policy with a CEL twin is installed in
one .flavour of the two (classic: the ClusterPolicy; cel: its twin, which
is decided by the name and level of the ClusterPolicy), the one
.Values.flavour names; .flavour is "" for the other policies. It also
checks the values.
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
{{- $flavour := $v.flavour | default "classic" -}}
{{- if not (has $flavour (list "classic" "cel")) -}}
{{- fail (printf "flavour %q: expected classic or cel" $flavour) -}}
{{- end -}}
{{- if and .flavour (ne .flavour $flavour) -}}
{{- else if has .name ($v.disable | default list) -}}
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
