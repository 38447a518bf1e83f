#!/bin/sh
# Runs preadmit for Helm 4's postrenderer/v1 plugin "preadmit": manifests on
# stdin, manifests on stdout, Helm's --post-renderer-args as arguments. The
# binary is, in this order: bin/preadmit bundled in the plugin directory,
# $PREADMIT_BIN, or preadmit on PATH. Helm 4 hides a plugin's stderr, so a
# missing binary is also reported on the terminal when there is one.
bundled="${HELM_PLUGIN_DIR:-$(dirname "$0")}/bin/preadmit"
if [ -x "$bundled" ]; then
  exec "$bundled" "$@"
fi
bin="${PREADMIT_BIN:-preadmit}"
if ! command -v "$bin" >/dev/null 2>&1; then
  msg="helm plugin preadmit: cannot find the preadmit binary: install it on PATH, set PREADMIT_BIN, or copy it to $bundled"
  echo "$msg" >&2
  { echo "$msg" >/dev/tty; } 2>/dev/null
  exit 2
fi
exec "$bin" "$@"
