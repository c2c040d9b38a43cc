// SPDX-License-Identifier: GPL-2.0
/* ELF inspection with libelf. Samba's libraries are stripped: only .dynsym is there. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "elf_info.h"

struct elf_file {
	int fd;
	Elf *elf;
};

static int elf_open_(const char *path, struct elf_file *f, char *err, size_t errn)
{
	f->elf = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errn, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		snprintf(err, errn, "%s: %s", path, strerror(errno));
		return -1;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF) {
		snprintf(err, errn, "%s: not an ELF file", path);
		if (f->elf)
			elf_end(f->elf);
		close(f->fd);
		return -1;
	}
	return 0;
}

static void elf_close_(struct elf_file *f)
{
	elf_end(f->elf);
	close(f->fd);
}

static Elf_Scn *find_section(Elf *e, Elf64_Word type, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, shdr) && shdr->sh_type == type)
			return scn;
	return NULL;
}

/* The name of version index idx in the file's version definitions. */
static void version_name(Elf *e, unsigned int idx, char *out, size_t n)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_section(e, SHT_GNU_verdef, &shdr);
	Elf_Data *data;
	size_t off = 0;

	out[0] = 0;
	if (!scn || !(data = elf_getdata(scn, NULL)))
		return;
	for (;;) {
		GElf_Verdef vd;
		GElf_Verdaux vda;

		if (!gelf_getverdef(data, (int)off, &vd))
			return;
		if (vd.vd_ndx == idx && gelf_getverdaux(data, (int)(off + vd.vd_aux), &vda)) {
			const char *s = elf_strptr(e, shdr.sh_link, vda.vda_name);

			snprintf(out, n, "%s", s ? s : "");
			return;
		}
		if (!vd.vd_next)
			return;
		off += vd.vd_next;
	}
}

int elf_lookup_symbol(const char *path, const char *name, struct elf_sym_info *out, char *err,
		      size_t errn)
{
	struct elf_file f;
	GElf_Shdr shdr, vshdr;
	Elf_Scn *scn, *vscn;
	Elf_Data *data, *vdata = NULL;
	size_t i, count;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (elf_open_(path, &f, err, errn))
		return -1;
	scn = find_section(f.elf, SHT_DYNSYM, &shdr);
	if (!scn)
		scn = find_section(f.elf, SHT_SYMTAB, &shdr);
	if (!scn || !(data = elf_getdata(scn, NULL)) || !shdr.sh_entsize) {
		snprintf(err, errn, "%s: no symbol table", path);
		goto out;
	}
	vscn = find_section(f.elf, SHT_GNU_versym, &vshdr);
	if (vscn)
		vdata = elf_getdata(vscn, NULL);
	count = shdr.sh_size / shdr.sh_entsize;
	for (i = 0; i < count; i++) {
		GElf_Sym sym;
		GElf_Versym vs;
		const char *s;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		s = elf_strptr(f.elf, shdr.sh_link, sym.st_name);
		if (!s || strcmp(s, name) || GELF_ST_TYPE(sym.st_info) != STT_FUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF)
			continue; /* imported from elsewhere: not this library's function */
		out->defined = true;
		if (vdata && gelf_getversym(vdata, (int)i, &vs))
			version_name(f.elf, vs & 0x7fff, out->version, sizeof(out->version));
		ret = 0;
		goto out;
	}
	snprintf(err, errn, "symbol %s not found in %s", name, path);
out:
	elf_close_(&f);
	return ret;
}

int elf_build_id(const char *path, char *hex, size_t n)
{
	struct elf_file f;
	Elf_Scn *scn = NULL;
	char err[256];
	int ret = -1;

	hex[0] = 0;
	if (elf_open_(path, &f, err, sizeof(err)))
		return -1;
	while ((scn = elf_nextscn(f.elf, scn)) && ret) {
		GElf_Shdr shdr;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *d = (const unsigned char *)data->d_buf + doff;
			size_t i;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + noff, "GNU", 4))
				continue;
			for (i = 0; i < nh.n_descsz && 2 * i + 2 < n; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			ret = 0;
			break;
		}
	}
	elf_close_(&f);
	return ret;
}

int elf_dynamic(const char *path, struct elf_dyn_info *out)
{
	struct elf_file f;
	GElf_Shdr shdr;
	Elf_Scn *scn;
	Elf_Data *data;
	char err[256];
	size_t i;
	bool have_runpath = false;

	memset(out, 0, sizeof(*out));
	if (elf_open_(path, &f, err, sizeof(err)))
		return -1;
	scn = find_section(f.elf, SHT_DYNAMIC, &shdr);
	if (scn && (data = elf_getdata(scn, NULL)) && shdr.sh_entsize) {
		for (i = 0; i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_NEEDED)
				continue;
			s = elf_strptr(f.elf, shdr.sh_link, dyn.d_un.d_val);
			if (!s)
				continue;
			if (dyn.d_tag == DT_NEEDED) {
				if (out->n_needed < ELF_MAX_NEEDED)
					snprintf(out->needed[out->n_needed++], sizeof(out->needed[0]),
						 "%s", s);
			} else if (dyn.d_tag == DT_RUNPATH || !have_runpath) {
				/* DT_RUNPATH wins over DT_RPATH when a file has both */
				snprintf(out->runpath, sizeof(out->runpath), "%s", s);
				have_runpath = dyn.d_tag == DT_RUNPATH;
			}
		}
	}
	elf_close_(&f);
	return 0;
}
