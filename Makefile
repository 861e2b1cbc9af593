# The one entry point: every target runs one script of scripts/.
# Generated files (kernel tree, builds, results) live in build/, ignored by git.

.PHONY: help deps tree export kernel selftests check demo shell bench clean

help:
	@echo "make demo     build the patched kernel and boot SMP Linux with PSCI in a userspace VMM"
	@echo "make check    run every test layer; T=<test> runs one VM test (e.g. T=hvc_filter)"
	@echo "make tree     create build/linux: Debian's 6.1 source + patches/series (git am)"
	@echo "make export   write build/linux's commits back to patches/ (git format-patch)"
	@echo "make kernel   build the arm64 test kernel (build/out/kernel)"
	@echo "make selftests build the KVM selftests against its headers"
	@echo "make shell    boot the test kernel into a shell (T=<test> runs that test only)"
	@echo "make bench    instructions per hypercall, with and without the filter (-icount)"
	@echo "make clean    remove build/ except the kernel tree"

deps:
	scripts/deps.sh

tree: deps
	scripts/tree.sh

export:
	scripts/export.sh

kernel: tree
	scripts/build-kernel.sh kernel config/kvm.config config/series.config

selftests: kernel
	scripts/build-selftests.sh kernel

check:
	scripts/check.sh

shell: selftests
	scripts/shell.sh

clean:
	rm -rf build/out build/results

demo:
	scripts/demo.sh

bench: kernel
	scripts/bench.sh
