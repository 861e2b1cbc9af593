# The one entry point: every target runs one script of scripts/, and each
# script first builds, incrementally, what it needs (scripts/lib.sh: need),
# so no target has prerequisites here.  Generated files (kernel trees,
# builds, results) live in build/, ignored by git.  On a system without
# make, ./run installs it first.  TESTING.md: the tests.
#
# LINUX=6.1 or LINUX=6.12 restricts a target to that kernel's series; by
# default check, demo, bench and the tree targets cover both.

VERSIONS := $(or $(LINUX),6.1 6.12)
export LINUX T DEBUG BASE

.PHONY: help deps tree export kernel selftests vmm check shell demo bench clean

help:
	@echo "make demo      build both patched kernels; in each, boot SMP Linux with PSCI in a userspace VMM"
	@echo "make check     run every test layer of both series; T=<test> runs one VM test (e.g."
	@echo "               T=hvc_filter), DEBUG=1 and BASE=1 add the debug and the unpatched kernels"
	@echo "make tree      create build/<version>/linux: Debian's source + patches/<version>/series"
	@echo "make export    write build/<version>/linux's commits back to patches/<version>/"
	@echo "make kernel    build the arm64 test kernels (build/<version>/out/kernel)"
	@echo "make selftests build and install each tree's KVM selftests (build/<version>/out/kselftest)"
	@echo "make vmm       build the example VMM (build/out/vmm, one binary for both kernels)"
	@echo "make shell     boot the 6.1 test kernel into a shell (LINUX=6.12: the other; T=<test>: run it)"
	@echo "make bench     instructions per hypercall on both kernels, patched and not (-icount)"
	@echo "make clean     remove the builds and results, keep the kernel trees"
	@echo "LINUX=6.1 or LINUX=6.12 limits a target to one kernel."

deps:
	scripts/deps.sh

tree:
	@for v in $(VERSIONS); do HVC_LINUX=$$v scripts/tree.sh || exit 1; done

# Exports what is committed in build/<version>/linux: never rebuilds the tree first.
export:
	@for v in $(VERSIONS); do HVC_LINUX=$$v scripts/export.sh || exit 1; done

kernel:
	@for v in $(VERSIONS); do HVC_LINUX=$$v scripts/build-kernel.sh || exit 1; done

selftests:
	@for v in $(VERSIONS); do HVC_LINUX=$$v scripts/build-selftests.sh || exit 1; done

vmm:
	scripts/build-vmm.sh

check:
	scripts/check.sh

shell:
	scripts/shell.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

clean:
	rm -rf build/out build/results build/mainline build/6.1/out build/6.12/out build/6.1/base/out build/6.12/base/out build/6.1/bisect build/6.12/bisect
