#!/bin/bash
# usage: scripts/deps.sh
# Installs the Debian packages the harness needs, if any is missing, on a
# Debian 12 system (a minimal one too: make, gcc and the rest come from
# here): linux-source-6.1 and linux-source-6.12 are the kernels the two
# series apply to (6.12's also holds mainline's selftest of the SMCCC
# filter, which the 6.1 series implements); the rest cross-builds arm64
# kernels and tests, boots them under QEMU and checks the series.  Debian
# 12 ships linux-source-6.12 from its security archive (bookworm-security),
# which a default installation has in its APT sources.
set -euo pipefail

pkgs=(linux-source-6.1 linux-source-6.12 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      qemu-system-arm flex bison bc libssl-dev libelf-dev ccache cpio
      sparse perl xz-utils git make gcc libc6-dev python3 rsync kmod
      clang lld llvm python3-sphinx python3-ply python3-git python3-yaml util-linux)

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
for p in "${missing[@]}"; do
	apt-cache show "$p" > /dev/null 2>&1 && continue
	case $p in
	linux-source-6.12)
		echo "error: APT knows no linux-source-6.12: Debian 12 ships it from its security archive;" \
			"add 'deb http://deb.debian.org/debian-security bookworm-security main' to the APT sources" \
			"(a default installation has it) and run this again" >&2 ;;
	*)	echo "error: APT knows no package $p: is this Debian 12 (bookworm) with its main archive?" >&2 ;;
	esac
	exit 1
done
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
