#!/usr/bin/env bash
# Install the Debian packages listed in the given files (one name per line, '#' comments),
# or named directly, if they are missing. Needs root (or sudo) and apt-get.
set -euo pipefail
pkgs=()
for arg in "$@"; do
  if [ -f "$arg" ]; then
    while IFS= read -r line; do
      line="${line%%#*}"; line="$(echo "$line" | xargs)"
      [ -n "$line" ] && pkgs+=("$line")
    done < "$arg"
  else
    pkgs+=("$arg")
  fi
done
[ ${#pkgs[@]} -eq 0 ] && exit 0
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these system packages with your package manager: ${missing[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
