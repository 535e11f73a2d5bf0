#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the keyring binding talks to a
# real Secret Service exactly as on a Linux desktop. HOME is left alone on purpose: npm reads its
# user config from HOME, and hiding it breaks native builds inside the session.
# Usage: scripts/with-keyring.sh <command> [args...]
set -euo pipefail
if [ "${DROP_RUNNER_IN_KEYRING:-}" = "1" ]; then exec "$@"; fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/drop-runner-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/data" "$scratch/runtime"
chmod 700 "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" DROP_RUNNER_IN_KEYRING=1
# The keyring password only protects this throw-away keyring; it never leaves this script.
exec dbus-run-session -- bash -c '
  printf "%s" "drop-runner-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' bash "$@"
