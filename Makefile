# The one entry point: every target runs one script of scripts/, and each
# script first builds, incrementally, what it needs (scripts/lib.sh: need),
# so no target has prerequisites here.  Generated files (kernel tree,
# builds, results) live in build/, ignored by git.  TESTING.md: the tests.

.PHONY: help deps tree export kernel selftests vmm check shell demo bench clean

help:
	@echo "make demo      build the patched kernel and boot SMP Linux with PSCI in a userspace VMM"
	@echo "make check     run every test layer; T=<test> runs one VM test (e.g. T=hvc_filter),"
	@echo "               DEBUG=1 and BASE=1 add the debug and the unpatched kernel (TESTING.md)"
	@echo "make tree      create build/linux: Debian's 6.1 source + patches/series (git am)"
	@echo "make export    write build/linux's commits back to patches/ (git format-patch)"
	@echo "make kernel    build the arm64 test kernel (build/out/kernel)"
	@echo "make selftests build the KVM selftests against its headers"
	@echo "make vmm       build the example VMM (build/out/vmm)"
	@echo "make shell     boot the test kernel into a shell (T=<test> runs that test only)"
	@echo "make bench     instructions per hypercall, with and without the filter (-icount)"
	@echo "make clean     remove build/ except the kernel trees"

deps:
	scripts/deps.sh

tree:
	scripts/tree.sh

# Exports what is committed in build/linux: never rebuilds the tree first.
export:
	scripts/export.sh

kernel:
	scripts/build-kernel.sh

selftests:
	scripts/build-selftests.sh

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
	rm -rf build/out build/results build/base/out build/mainline
