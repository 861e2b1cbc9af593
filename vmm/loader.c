// SPDX-License-Identifier: GPL-2.0
/*
 * Places the kernel, the DTB and the initramfs in guest RAM following
 * Documentation/arm64/booting.rst:
 *
 *   RAM_BASE + text_offset   Image (image_size bytes, BSS included)
 *   ...                      free
 *   initrd_start             initramfs, page aligned, just below the DTB
 *   dtb_addr                 DTB: 2 MiB aligned slot at the top of the
 *                            first 512 MiB of RAM
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vmm.h"

#define SZ_2M			0x200000UL
#define SZ_512M			0x20000000UL
#define ARM64_IMAGE_MAGIC	0x644d5241	/* "ARM\x64" */

struct arm64_image_header {
	uint32_t	code0;
	uint32_t	code1;
	uint64_t	text_offset;	/* little endian */
	uint64_t	image_size;	/* little endian */
	uint64_t	flags;
	uint64_t	res2;
	uint64_t	res3;
	uint64_t	res4;
	uint32_t	magic;
	uint32_t	res5;
};

/* Opens @path, returning its size; dies with a message naming the file. */
static int open_image(const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	*size = st.st_size;
	return fd;
}

static void read_all(int fd, const char *path, void *buf, uint64_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read %s: %s", path, n ? strerror(errno) : "unexpected end of file");
		p += n;
		len -= n;
	}
}

static void load_kernel(struct vm *vm)
{
	const char *path = vm->cfg.kernel;
	struct arm64_image_header hdr;
	uint64_t file_size, text_offset, image_size;
	void *dst;
	int fd;

	fd = open_image(path, &file_size);
	if (file_size < sizeof(hdr))
		die("%s: too small for an arm64 Image", path);
	read_all(fd, path, &hdr, sizeof(hdr));
	if (le32toh(hdr.magic) != ARM64_IMAGE_MAGIC)
		die("%s: not an arm64 Image (no \"ARM\\x64\" magic)", path);

	text_offset = le64toh(hdr.text_offset);
	image_size = le64toh(hdr.image_size);
	if (!image_size)	/* kernels before 3.17 */
		text_offset = 0x80000;
	if (image_size < file_size)
		image_size = file_size;

	vm->kernel_entry = RAM_BASE + text_offset;	/* RAM_BASE is 2 MiB aligned */
	vm->kernel_end = vm->kernel_entry + image_size;
	dst = guest_ptr(vm, vm->kernel_entry, image_size);
	if (!dst)
		die("%s: %llu bytes do not fit in guest RAM", path,
		    (unsigned long long)image_size);
	if (lseek(fd, 0, SEEK_SET))
		die("lseek %s: %s", path, strerror(errno));
	read_all(fd, path, dst, file_size);
	close(fd);
}

static void load_initrd(struct vm *vm)
{
	const char *path = vm->cfg.initrd;
	uint64_t size;
	int fd;

	if (!path)
		return;
	fd = open_image(path, &size);
	if (size > vm->dtb_addr - vm->kernel_end)
		die("%s: %llu bytes do not fit between the kernel and the DTB (use more -m)",
		    path, (unsigned long long)size);
	vm->initrd_start = (vm->dtb_addr - size) & ~0xfffUL;
	vm->initrd_end = vm->initrd_start + size;
	if (vm->initrd_start < vm->kernel_end)
		die("%s: overlaps the kernel (use more -m)", path);
	read_all(fd, path, guest_ptr(vm, vm->initrd_start, size), size);
	close(fd);
}

void load_images(struct vm *vm)
{
	uint64_t top = RAM_BASE + vm->cfg.ram_size;

	load_kernel(vm);

	if (top > RAM_BASE + SZ_512M)
		top = RAM_BASE + SZ_512M;
	vm->dtb_addr = (top - SZ_2M) & ~(SZ_2M - 1);
	if (vm->dtb_addr < vm->kernel_end)
		die("no room for the DTB above the kernel (use more -m)");

	load_initrd(vm);
}
