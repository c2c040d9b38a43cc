# SPDX-License-Identifier: GPL-2.0
# smbwatch build. `make` builds build/smbwatch; `make check` runs every test; V=1 shows commands.
OUT := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

CFLAGS ?= -g -O2
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -MMD -MP
CPPFLAGS += -I$(OUT) -Ibpf -Iuser
LDLIBS := -lbpf -ldw -lelf -lz -ljson-c
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I. -Ibpf

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean check check-unit check-integration demo bench vmlinux

all: $(OUT)/smbwatch $(OUT)/smbsim

# --- BPF object and skeleton ---
$(OUT)/smbwatch.bpf.o: bpf/smbwatch.bpf.c bpf/smbwatch.h vmlinux.h | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/smbwatch.skel.h: $(OUT)/smbwatch.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name smbwatch_bpf > $@

# --- userspace ---
# Pure modules (no BPF, no root): linked into both smbwatch and the unit tests.
LIB_SRCS := user/ntstatus.c user/json_out.c user/text_out.c user/utf8.c user/args.c \
	    user/record.c user/samba/layout.c user/samba/elf_info.c user/samba/build.c \
	    user/samba/dwarf_layout.c user/plausible.c \
	    user/smb_path.c user/session_cache.c user/smb2_record.c user/detect.c \
	    user/output.c user/replay.c user/top_model.c user/syslog_out.c
APP_SRCS := user/main.c user/tracer.c user/doctor.c user/preflight.c user/top.c \
	    user/layout_cmd.c user/probes/probes.c user/probes/lib_watch.c
LIB_OBJS := $(LIB_SRCS:user/%.c=$(OUT)/user/%.o)
APP_OBJS := $(APP_SRCS:user/%.c=$(OUT)/user/%.o)

$(OUT)/user/%.o: user/%.c | $(OUT)/user
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# probes.c includes the generated skeleton.
$(OUT)/user/probes/probes.o: $(OUT)/smbwatch.skel.h

$(OUT)/smbwatch: $(APP_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -lncurses -o $@

# The client simulator (libsmbclient), for tests, demo and benchmarks.
SMBCLIENT_CFLAGS := $(shell pkg-config --cflags smbclient 2>/dev/null || echo -I/usr/include/samba-4.0)
$(OUT)/smbsim: tools/smbsim.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SMBCLIENT_CFLAGS) $< -lsmbclient -o $@

# --- tests (Criterion) ---
UNIT_SRCS := $(wildcard tests/unit/*.c)
INTEG_SRCS := $(wildcard tests/integration/*.c)
$(OUT)/tests/%.o: tests/%.c | $(OUT)/tests/unit $(OUT)/tests/integration
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -c $< -o $@

$(OUT)/unit-tests: $(UNIT_SRCS:tests/%.c=$(OUT)/tests/%.o) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -lcriterion -ljson-c -ldl $(LDLIBS) -o $@

$(OUT)/integration-tests: $(INTEG_SRCS:tests/%.c=$(OUT)/tests/%.o) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -lcriterion -ljson-c $(LDLIBS) -o $@

check-unit: $(OUT)/unit-tests
	$(OUT)/unit-tests --jobs 2

# Integration tests need root (BPF) and run a real smbd; in CI they must run, never skip.
check-integration: $(OUT)/integration-tests $(OUT)/smbwatch $(OUT)/smbsim
	SMBWATCH=$(CURDIR)/$(OUT)/smbwatch SMB_LAB=$(CURDIR)/tools/smb-lab SMBSIM=$(CURDIR)/$(OUT)/smbsim \
		SMBWATCH_VALIDATOR=$(CURDIR)/tools/validate-records \
		$(OUT)/integration-tests --jobs 1

check: check-unit check-integration

demo: $(OUT)/smbwatch $(OUT)/smbsim
	tools/demo --no-install

# Cost of tracing, as ratios in one run; writes BENCHMARKS.md (root, a few minutes).
bench: $(OUT)/smbwatch $(OUT)/smbsim
	tools/bench

# Regenerates vmlinux.h (committed) from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h

$(OUT) $(OUT)/user $(OUT)/tests/unit $(OUT)/tests/integration:
	$(Q)mkdir -p $@

clean:
	rm -rf $(OUT)

-include $(wildcard $(OUT)/user/*.d $(OUT)/user/*/*.d $(OUT)/tests/*/*.d)
