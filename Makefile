# SPDX-License-Identifier: GPL-2.0
# smbwatch build. `make` builds build/smbwatch; `make check` runs every test; V=1 shows commands.
OUT := build
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

CFLAGS ?= -g -O2
# memcpy and memset through libc, never inlined as `rep movs`/`rep stos`: their start-up cost
# on a short string or a record's zeroing was 10-20% of a replayed audit line (A/B, user time)
STRINGOPS := $(if $(filter x86_64,$(shell uname -m)),$(shell $(CC) -mstringop-strategy=libcall \
	-E -x c /dev/null >/dev/null 2>&1 && echo -mstringop-strategy=libcall))
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -MMD -MP $(STRINGOPS) $(SAN_CFLAGS)
CPPFLAGS += -I$(OUT) -Ibpf -Iuser
LDLIBS := -lbpf -ldw -lelf -lz -ljson-c -lsimdjson -lstdc++ -pthread
CXX ?= g++
CXXFLAGS ?= -g -O2
CXXFLAGS += -Wall -Wextra -Werror -std=c++17 -MMD -MP $(STRINGOPS) $(SAN_CFLAGS)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I. -Ibpf

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: check-unit-asan fuzz
.PHONY: all clean check check-unit check-integration check-integration-4.22 demo bench vmlinux \
	install uninstall

all: $(OUT)/smbwatch $(OUT)/smbsim $(OUT)/smbstorm $(OUT)/uprobe-cost

# --- BPF object and skeleton ---
$(OUT)/smbwatch.bpf.o: bpf/smbwatch.bpf.c bpf/smbwatch.h vmlinux.h | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/smbwatch.skel.h: $(OUT)/smbwatch.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name smbwatch_bpf > $@

# --- userspace ---
# Pure modules (no BPF, no root): linked into both smbwatch and the unit tests. user/ is
# grouped by the data path's stages: probes -> decode -> enrich -> detect -> outputs, with
# the live and replay drivers, the command line, and the Samba knowledge (samba/) beside them.
LIB_SRCS := $(addprefix user/,common/record.c common/utf8.c \
	    samba/layout.c samba/elf_info.c samba/build.c samba/dwarf_layout.c \
	    decode/ntstatus.c decode/plausible.c decode/smb_path.c decode/smb2_record.c \
	    enrich/session_cache.c enrich/ident_table.c \
	    detect/detect.c \
	    outputs/output.c outputs/json_out.c outputs/text_out.c outputs/syslog_out.c \
	    outputs/top_model.c \
	    replay/replay.c replay/replay_source.c replay/line_reader.c \
	    cli/args.c)
APP_SRCS := $(addprefix user/,cli/main.c cli/doctor.c cli/preflight.c cli/layout_cmd.c \
	    live/tracer.c live/privsep.c outputs/top.c \
	    probes/probes.c probes/lib_watch.c probes/monitor.c probes/ringbuf.c)
# replay's fast JSON path: a small C++ shim over simdjson (user/replay/json_fast.h is its C API)
LIB_CXX_SRCS := user/replay/json_fast.cc
LIB_OBJS := $(LIB_SRCS:user/%.c=$(OUT)/user/%.o) $(LIB_CXX_SRCS:user/%.cc=$(OUT)/user/%.o)
APP_OBJS := $(APP_SRCS:user/%.c=$(OUT)/user/%.o)

$(OUT)/user/%.o: user/%.c | $(OUT)/user
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# simdjson's westmere kernel on x86-64; replay.c's jf_cpu_ok() checks the CPU has these before
# use (elsewhere the compiler's own kernel, arm64's NEON for one)
JF_ARCH := $(if $(filter x86_64,$(shell uname -m)),-msse4.2 -mpclmul)
# simdjson's asserts off in smbwatch (8% of a record's parse); the fuzzer keeps them
JF_NDEBUG := -DNDEBUG
$(OUT)/user/%.o: user/%.cc | $(OUT)/user
	$(call msg,CXX,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) $(JF_ARCH) $(JF_NDEBUG) -c $< -o $@

# Replay's path (parsing, detection, finding records) at -O3: 3% fewer instructions per smbwatch
# record and 8% per Samba audit line than -O2 (callgrind, 20,000 of each); the rest stays -O2.
# (Appended to CFLAGS and CXXFLAGS, so it comes after their -O2; a CFLAGS given on make's
# command line decides for these too.)
HOT_OBJS := $(addprefix $(OUT)/user/,replay/replay.o replay/replay_source.o \
	replay/line_reader.o replay/json_fast.o detect/detect.o outputs/json_out.o)
$(HOT_OBJS): CFLAGS += -O3
$(HOT_OBJS): CXXFLAGS += -O3

# probes.c includes the generated skeleton.
$(OUT)/user/probes/probes.o: $(OUT)/smbwatch.skel.h

$(OUT)/smbwatch: $(APP_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -lncurses -o $@

# The client simulator (libsmbclient), for tests, demo and benchmarks.
SMBCLIENT_CFLAGS := $(shell pkg-config --cflags smbclient 2>/dev/null || echo -I/usr/include/samba-4.0)
$(OUT)/smbsim: tools/smbsim.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(SMBCLIENT_CFLAGS) $< -lsmbclient -o $@

# A failing-open storm that speaks SMB2 itself (NTLMv2 via nettle), pipelined: for make bench,
# where the client must not be the bottleneck.
$(OUT)/smbstorm: tools/smbstorm.c | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -lnettle -o $@

# simdjson alone on a file's lines (tools/bench-replay: the floor under replay's rate)
$(OUT)/json-floor: tools/json-floor.cc | $(OUT)
	$(call msg,CXX,$@)
	$(Q)$(CXX) $(CXXFLAGS) $(JF_ARCH) $(JF_NDEBUG) $< -lsimdjson -o $@

# What one uprobe hit costs a process here (tools/bench): its own counting program and skeleton.
$(OUT)/uprobe-cost.bpf.o: tools/uprobe-cost.bpf.c vmlinux.h | $(OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/uprobe_cost.skel.h: $(OUT)/uprobe-cost.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name uprobe_cost_bpf > $@

$(OUT)/uprobe-cost: tools/uprobe-cost.c $(OUT)/uprobe_cost.skel.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< -lbpf -lelf -lz -o $@

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

# --- DWARF layouts (user/samba/dwarf_layout.c): fixtures for its tests ---
# Fake Samba libraries with debug info, laid out unlike any Samba (tests/fixtures/dwarf), and a
# program named smbd that calls them. $(DWF) is a Samba library directory for smbwatch:
#   libcommon-auth-fixture.so.0, libsmbd-base-fixture.so.0  (-g, version SAMBA_9.99.0_FIXTURE)
#   smbd                                                     (run path $ORIGIN)
# $(DWV) holds variants for the unit tests:
#   stripped/      both libraries without debug info (objcopy --strip-debug)
#   debuglink/     the same with a .gnu_debuglink to the .debug file beside each
#   buildid-root/  .build-id/xx/rest.debug of both (for SMBWATCH_DEBUG_ROOT)
#   broken/        libsmbd-base-fixture.so.0 whose smbXsrv_tcon has no member compat
#   unrelated/     a library with debug info but none of the structs
# `make fixtures` builds them; the test suites depend on them.
DWF := $(OUT)/fixtures/dwarf
DWV := $(OUT)/fixtures/dwarf-variants
DWF_SRC := tests/fixtures/dwarf
DWF_CFLAGS := -g -O2 -fPIC -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror
DWF_HDRS := $(DWF_SRC)/fixture.h $(DWF_SRC)/tsocket_bsd.h
DWF_LIBS := libcommon-auth-fixture.so.0 libsmbd-base-fixture.so.0
DWARF_FIXTURES := $(addprefix $(DWF)/,$(DWF_LIBS) smbd) \
	$(addprefix $(DWV)/stripped/,$(DWF_LIBS)) $(addprefix $(DWV)/debuglink/,$(DWF_LIBS)) \
	$(DWV)/buildid-root/.stamp $(DWV)/broken/libsmbd-base-fixture.so.0 \
	$(DWV)/unrelated/libunrelated.so.0
# $(call dwf_lib,source,version script or empty): a shared library named after its target
dwf_lib = mkdir -p $(@D) && $(CC) $(DWF_CFLAGS) -shared -Wl,--build-id -Wl,-soname,$(@F) \
	$(if $(2),-Wl$(comma)--version-script$(comma)$(2)) $(1) -o $@
comma := ,

$(DWF)/libcommon-auth-fixture.so.0: $(DWF_SRC)/auth_log.c $(DWF_SRC)/auth.map $(DWF_HDRS)
	$(call msg,FIXTURE,$@)
	$(Q)$(call dwf_lib,$<,$(DWF_SRC)/auth.map)

$(DWF)/libsmbd-base-fixture.so.0: $(DWF_SRC)/smbd_base.c $(DWF_SRC)/smbd_base.map $(DWF_HDRS)
	$(call msg,FIXTURE,$@)
	$(Q)$(call dwf_lib,$<,$(DWF_SRC)/smbd_base.map)

$(DWF)/smbd: $(DWF_SRC)/smbd_main.c $(DWF_HDRS) $(addprefix $(DWF)/,$(DWF_LIBS))
	$(call msg,FIXTURE,$@)
	$(Q)$(CC) $(DWF_CFLAGS) $< -L$(DWF) $(addprefix -l:,$(DWF_LIBS)) -Wl,-rpath,'$$ORIGIN' -o $@

$(DWV)/stripped/%: $(DWF)/%
	$(call msg,FIXTURE,$@)
	$(Q)mkdir -p $(@D) && objcopy --strip-debug $< $@

$(DWV)/debuglink/%: $(DWF)/%
	$(call msg,FIXTURE,$@)
	$(Q)mkdir -p $(@D) && objcopy --only-keep-debug $< $@.debug && \
		objcopy --strip-debug --add-gnu-debuglink=$@.debug $< $@

$(DWV)/buildid-root/.stamp: $(addprefix $(DWF)/,$(DWF_LIBS))
	$(call msg,FIXTURE,$(@D))
	$(Q)for f in $^; do \
		id=$$(readelf -n $$f | sed -n 's/^ *Build ID: *//p'); \
		[ -n "$$id" ] || { echo "$$f: no build-id" >&2; exit 1; }; \
		d=$(@D)/.build-id/$$(echo $$id | cut -c1-2); mkdir -p $$d && \
		objcopy --only-keep-debug $$f $$d/$$(echo $$id | cut -c3-).debug || exit 1; \
	done; touch $@

$(DWV)/broken/libsmbd-base-fixture.so.0: $(DWF_SRC)/broken.c $(DWF_HDRS)
	$(call msg,FIXTURE,$@)
	$(Q)$(call dwf_lib,$<,)

$(DWV)/unrelated/libunrelated.so.0: $(DWF_SRC)/unrelated.c
	$(call msg,FIXTURE,$@)
	$(Q)$(call dwf_lib,$<,)

.PHONY: fixtures
fixtures: $(DWARF_FIXTURES)

# The tests find the fixtures where this build put them.
$(OUT)/tests/unit/test_dwarf_layout.o $(OUT)/tests/integration/test_dwarf.o: \
	CPPFLAGS += -DDWARF_FIXTURE_DIR='"$(abspath $(DWF))"' -DDWARF_VARIANTS_DIR='"$(abspath $(DWV))"'
$(OUT)/unit-tests $(OUT)/integration-tests: | $(DWARF_FIXTURES)

check-unit: $(OUT)/unit-tests $(OUT)/smbwatch
	SMBWATCH=$(CURDIR)/$(OUT)/smbwatch SMBWATCH_MANPAGE=$(CURDIR)/man/smbwatch.8 \
		$(OUT)/unit-tests --jobs 2

# The unit tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer (any report
# fails), in a build of their own ($(OUT)/asan).
ASAN_CFLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-unit-asan: $(OUT)/smbwatch
	$(MAKE) OUT=$(OUT)/asan SAN_CFLAGS="$(ASAN_CFLAGS)" $(OUT)/asan/unit-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		SMBWATCH=$(CURDIR)/$(OUT)/smbwatch SMBWATCH_MANPAGE=$(CURDIR)/man/smbwatch.8 \
		$(OUT)/asan/unit-tests --jobs 2

# libFuzzer over replay's input path (tests/fuzz/fuzz_replay.c): line reader, decoder,
# detector, finding records. `make fuzz` runs it FUZZ_SECONDS (60) from the seed corpus in
# tests/fuzz/corpus (real records of both formats), new inputs kept in $(OUT)/fuzz/corpus;
# a crash, a leak or a sanitizer report fails it (the input is left in $(OUT)/fuzz).
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_OBJS := $(LIB_SRCS:user/%.c=$(OUT)/fuzz/user/%.o) \
	$(LIB_CXX_SRCS:user/%.cc=$(OUT)/fuzz/user/%.o)
$(OUT)/fuzz/user/%.o: user/%.cc
	$(call msg,CXX-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG)++ $(CPPFLAGS) -Wall -Wextra -Werror -std=c++17 -MMD -MP $(FUZZ_CFLAGS) $(JF_ARCH) \
		-c $< -o $@
$(OUT)/fuzz/user/%.o: user/%.c
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -MMD -MP \
		$(FUZZ_CFLAGS) -c $< -o $@
$(OUT)/fuzz/fuzz_replay.o: tests/fuzz/fuzz_replay.c
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(CPPFLAGS) -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -MMD -MP \
		$(FUZZ_CFLAGS) -c $< -o $@
# linked as C++: the UBSan runtime of the simdjson shim
$(OUT)/fuzz/fuzz_replay: $(OUT)/fuzz/fuzz_replay.o $(FUZZ_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CLANG)++ $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(LDLIBS) -o $@
fuzz: $(OUT)/fuzz/fuzz_replay
	mkdir -p $(OUT)/fuzz/corpus
	cd $(OUT)/fuzz && ./fuzz_replay -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus $(CURDIR)/tests/fuzz/corpus

# Integration tests need root (BPF) and run a real smbd; in CI they must run, never skip.
INTEG_ENV = SMB_LAB=$(CURDIR)/tools/smb-lab SMBSIM=$(CURDIR)/$(OUT)/smbsim \
	SMBWATCH_VALIDATOR=$(CURDIR)/tools/validate-records UPROBE_COST=$(CURDIR)/$(OUT)/uprobe-cost
check-integration: $(OUT)/integration-tests $(OUT)/smbwatch $(OUT)/smbsim $(OUT)/uprobe-cost
	@echo "== integration tests: the system's Samba"
	$(INTEG_ENV) SMBWATCH=$(CURDIR)/$(OUT)/smbwatch $(OUT)/integration-tests --jobs 1

# The suites that touch smbd, again against Samba 4.22.6 (bookworm-backports) unpacked into a
# private prefix by tools/samba-4.22 (cached); smbwatch is given nothing but that smbd.
SAMBA_422_CACHE ?= /var/tmp/smbwatch-samba-4.22.6
SMBD_SUITES := @(auth|files|detect|top|layout)/*
check-integration-4.22: $(OUT)/integration-tests $(OUT)/smbwatch $(OUT)/smbsim
	@echo "== integration tests: Samba 4.22.6 from $(SAMBA_422_CACHE)"
	root=$$(tools/samba-4.22 $(SAMBA_422_CACHE)) && \
	$(INTEG_ENV) SMB_LAB_SAMBA_ROOT=$$root \
		SMBWATCH="$(CURDIR)/$(OUT)/smbwatch --smbd $$root/usr/sbin/smbd" \
		$(OUT)/integration-tests --jobs 1 --filter '$(SMBD_SUITES)'

check: check-unit check-unit-asan fuzz check-integration check-integration-4.22

demo: $(OUT)/smbwatch $(OUT)/smbsim
	tools/demo --no-install

# Cost of tracing, as ratios in one run; writes BENCHMARKS.md (root, a few minutes).
bench: $(OUT)/smbwatch $(OUT)/smbsim $(OUT)/smbstorm $(OUT)/json-floor $(OUT)/uprobe-cost
	tools/bench

# Regenerates vmlinux.h (committed) from the running kernel's BTF.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h

$(OUT) $(OUT)/user $(OUT)/tests/unit $(OUT)/tests/integration:
	$(Q)mkdir -p $@

clean:
	rm -rf $(OUT)

# --- install: what `make` built, and the files that come with it; never builds anything ---
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/smbwatch
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SIEM_FILES := elasticsearch/smbwatch-index-template.json filebeat/filebeat.yml \
	fluent-bit/fluent-bit.conf fluent-bit/parsers.conf rsyslog/smbwatch.conf \
	schema/smbwatch-records.schema.json sigma/smbwatch_sms_client_token_lockout.yml
INSTALL ?= install

install:
	@test -x $(OUT)/smbwatch || { echo "install: build first (make), then install" >&2; exit 1; }
	$(INSTALL) -D -m 0755 $(OUT)/smbwatch $(DESTDIR)$(SBINDIR)/smbwatch
	$(INSTALL) -D -m 0644 man/smbwatch.8 $(DESTDIR)$(MANDIR)/man8/smbwatch.8
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|/usr/sbin/smbwatch|$(SBINDIR)/smbwatch|' contrib/systemd/smbwatch.service \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/smbwatch.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/smbwatch.service
	$(INSTALL) -D -m 0644 contrib/default/smbwatch $(DESTDIR)$(SYSCONFDIR)/default/smbwatch
	$(INSTALL) -D -m 0644 contrib/logrotate.d/smbwatch \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/smbwatch
	$(INSTALL) -D -m 0644 contrib/bash-completion/smbwatch $(DESTDIR)$(BASHCOMPDIR)/smbwatch
	for f in $(SIEM_FILES); do \
		$(INSTALL) -D -m 0644 contrib/$$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/smbwatch $(DESTDIR)$(MANDIR)/man8/smbwatch.8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/smbwatch.service $(DESTDIR)$(SYSCONFDIR)/default/smbwatch \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/smbwatch $(DESTDIR)$(BASHCOMPDIR)/smbwatch
	rm -rf $(DESTDIR)$(DATADIR)

-include $(wildcard $(OUT)/user/*.d $(OUT)/user/*/*.d $(OUT)/tests/*/*.d $(OUT)/fuzz/user/*.d \
	$(OUT)/fuzz/user/*/*.d $(OUT)/fuzz/*.d)
