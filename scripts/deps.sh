#!/bin/bash
# usage: scripts/deps.sh
# Installs the Debian packages the harness needs, if any is missing:
# linux-source-6.1 is the kernel the series applies to; linux-source-6.12
# holds mainline's selftest of the SMCCC filter ABI the series implements
# (scripts/build-mainline-tests.sh).
set -euo pipefail

pkgs=(linux-source-6.1 linux-source-6.12 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      qemu-system-arm flex bison bc libssl-dev libelf-dev ccache cpio
      sparse perl xz-utils git make gcc libc6-dev python3 rsync kmod
      clang lld llvm python3-sphinx)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "==> installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		SUDO=sudo
	else
		echo "error: not root and no sudo; run as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
