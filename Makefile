# SPDX-License-Identifier: BSD-3-Clause
# pam_authrocket: the PAM module, its network helper, the directory programs
# and the admin CLI.  "make" builds into build/; "make check" runs every test.
# The layers of the library are folders of src/ (see docs/architecture.md).

CC	?= cc
PYTHON	?= python3
PREFIX	?= /usr
DESTDIR	?=
MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
PAMDIR	?= $(shell pkg-config --variable=libdir pam 2>/dev/null || echo /lib/$(MULTIARCH))/security
NSSDIR	?= /lib/$(MULTIARCH)
LIBEXECDIR ?= $(PREFIX)/libexec/pam_authrocket
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
PAMCONFDIR ?= $(PREFIX)/share/pam-configs
SYSTEMDDIR ?= /lib/systemd/system
SYSCONFDIR ?= /etc

B	:= build
WARN	:= -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes
# A flag the compiler accepts for this target, or nothing: -fcf-protection
# exists only on x86, and Debian builds the package on every architecture.
cc_flag = $(shell $(CC) -Werror $(1) -x c -c -o /dev/null /dev/null \
	2>/dev/null && echo $(1))
HARDEN	:= -fstack-protector-strong -fstack-clash-protection \
	   $(call cc_flag,-fcf-protection) -fno-strict-overflow
OPT	?= -O2 -g
SAN	?=
CFLAGS	?=
CPPFLAGS ?=
# _FORTIFY_SOURCE does nothing (and warns) without optimisation: the last
# -O of OPT and CFLAGS (which come later on the command line) decides.
FORTIFY	:= $(if $(filter-out -O0,$(lastword $(filter -O%,$(OPT) $(CFLAGS)))),\
	-D_FORTIFY_SOURCE=2)

# Library layers, lowest first; a layer includes only its own headers and
# those of the layers before it (enforced by tests/integration/test_build.py).
LAYERS	:= base conf identity remote decide
INC	:= $(LAYERS:%=-Isrc/%) -Isrc/dir -Isrc/transport
AR_CPPFLAGS := $(FORTIFY) -D_GNU_SOURCE $(INC) $(CPPFLAGS)
AR_CFLAGS := $(OPT) $(SAN) -std=gnu11 -fPIC $(WARN) $(HARDEN) $(AR_CPPFLAGS) \
	$(CFLAGS)
AR_LDFLAGS := $(SAN) -Wl,-z,relro,-z,now $(LDFLAGS)

LIB_SRCS := $(sort $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
DIR_SRCS := $(sort $(wildcard src/dir/*.c))
DIR_OBJS := $(DIR_SRCS:%.c=$(B)/obj/%.o)
HTTP_SRCS := $(sort $(wildcard src/transport/*.c))
HTTP_OBJS := $(HTTP_SRCS:%.c=$(B)/obj/%.o)
HELPER_SRCS := $(sort $(wildcard src/helper/*.c))
HELPER_OBJS := $(HELPER_SRCS:%.c=$(B)/obj/%.o)
CHECK_SRCS := $(sort $(wildcard src/check/*.c))
CHECK_OBJS := $(CHECK_SRCS:%.c=$(B)/obj/%.o)
SYNC_SRCS := $(sort $(wildcard src/sync/*.c))
SYNC_OBJS := $(SYNC_SRCS:%.c=$(B)/obj/%.o)
NSS_SRCS := $(sort $(wildcard src/nss/*.c))
NSS_OBJS := $(NSS_SRCS:%.c=$(B)/obj/%.o)
KEYS_SRCS := $(sort $(wildcard src/keys/*.c))
KEYS_OBJS := $(KEYS_SRCS:%.c=$(B)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(B)/tools/%)

LIBS	:= -ljwt -ljansson -lcrypto -lcrypt

# The version is defined once, in src/base/ar.h; "make version" prints it
# for packaging.
VERSION	:= $(shell sed -n 's/^\#define AR_VERSION[^"]*"\([^"]*\)".*/\1/p' \
	src/base/ar.h)

# Programs whose sources exist in this tree.
PROGS	:= $(B)/pam_authrocket.so $(B)/authrocket-helper $(B)/authrocket-check \
	$(if $(SYNC_SRCS),$(B)/authrocket-sync) \
	$(if $(NSS_SRCS),$(B)/libnss_authrocket.so.2) \
	$(if $(KEYS_SRCS),$(B)/authrocket-keys)

# What the build and "make check" need; the demo needs only DEMO_PKGS.
DEMO_PKGS := build-essential pkg-config libpam0g-dev libjwt-dev \
	libcurl4-openssl-dev libjansson-dev libssl-dev libcrypt-dev \
	libpam-modules openssl ca-certificates python3
DEB_PKGS := $(DEMO_PKGS) pamtester openssh-server openssh-client sshpass sudo \
	valgrind mandoc clang libclang-rt-14-dev libnss-wrapper cppcheck
# What "make package" needs besides DEB_PKGS.
PKG_PKGS := debhelper dpkg-dev lintian fakeroot

.PHONY: all check check-run check-asan check-unprivileged unit deps deps-demo \
	install uninstall demo demo-run bench fuzz clean lint tools package \
	package-test deps-package analyze version

all: $(PROGS)

$(B)/obj/%.o: %.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)

$(B):
	@mkdir -p $(B)

$(B)/libar.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The directory file format: libc only, shared by NSS, keys, sync and module.
$(B)/libardir.a: $(DIR_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The HTTPS transport: the only code that includes libcurl.
$(B)/libarhttp.a: $(HTTP_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/pam_authrocket.so: $(B)/obj/pam_authrocket.o $(B)/libar.a $(B)/libardir.a \
		pam_authrocket.map
	$(CC) -shared -o $@ $(B)/obj/pam_authrocket.o $(B)/libar.a \
		$(B)/libardir.a -Wl,--version-script=pam_authrocket.map \
		-Wl,-z,defs $(AR_LDFLAGS) -lpam $(LIBS)

$(B)/authrocket-helper: $(HELPER_OBJS) $(B)/libarhttp.a $(B)/libar.a
	$(CC) -o $@ $(HELPER_OBJS) $(B)/libarhttp.a $(B)/libar.a $(AR_LDFLAGS) \
		-pie -lcurl $(LIBS)

$(B)/authrocket-check: $(CHECK_OBJS) $(B)/libar.a $(B)/libardir.a
	$(CC) -o $@ $(CHECK_OBJS) $(B)/libar.a $(B)/libardir.a $(AR_LDFLAGS) \
		-pie $(LIBS)

$(B)/authrocket-sync: $(SYNC_OBJS) $(B)/libarhttp.a $(B)/libar.a $(B)/libardir.a
	$(CC) -o $@ $(SYNC_OBJS) $(B)/libarhttp.a $(B)/libar.a $(B)/libardir.a \
		$(AR_LDFLAGS) -pie -lcurl $(LIBS)

# Loaded into every process on the host: libc only, nothing but the NSS
# entry points exported.
$(B)/libnss_authrocket.so.2: $(NSS_OBJS) $(B)/libardir.a src/nss/nss.map
	$(CC) -shared -o $@ $(NSS_OBJS) $(B)/libardir.a \
		-Wl,-soname,libnss_authrocket.so.2 \
		-Wl,--version-script=src/nss/nss.map -Wl,-z,defs $(AR_LDFLAGS)

# A second copy for the tests, reading $(B)/nss-test/dir (owned by the
# builder) instead of the system path: a build-time choice, no runtime hook.
NSS_TEST := $(if $(NSS_SRCS),$(B)/nss-test/libnss_authrocket.so.2)
NSS_TEST_CPPFLAGS := -DAR_NSS_DIR='"$(abspath $(B))/nss-test/dir"' \
	-DAR_NSS_OWNER=$(shell id -u)

$(B)/nss-test/obj/%.o: %.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) $(NSS_TEST_CPPFLAGS) -MMD -MP -c -o $@ $<

$(B)/nss-test/libnss_authrocket.so.2: $(NSS_SRCS:%.c=$(B)/nss-test/obj/%.o) \
		$(B)/libardir.a src/nss/nss.map
	$(CC) -shared -o $@ $(NSS_SRCS:%.c=$(B)/nss-test/obj/%.o) \
		$(B)/libardir.a -Wl,-soname,libnss_authrocket.so.2 \
		-Wl,--version-script=src/nss/nss.map -Wl,-z,defs $(AR_LDFLAGS)

$(B)/authrocket-keys: $(KEYS_OBJS) $(B)/libardir.a
	$(CC) -o $@ $(KEYS_OBJS) $(B)/libardir.a $(AR_LDFLAGS) -pie

KEYS_TEST := $(if $(KEYS_SRCS),$(B)/nss-test/authrocket-keys)
KEYS_TEST_CPPFLAGS := -DAR_KEYS_DIR='"$(abspath $(B))/nss-test/dir"' \
	-DAR_KEYS_OWNER=$(shell id -u)

$(B)/nss-test/keys/%.o: %.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) $(KEYS_TEST_CPPFLAGS) -MMD -MP -c -o $@ $<

$(B)/nss-test/authrocket-keys: $(KEYS_SRCS:%.c=$(B)/nss-test/keys/%.o) \
		$(B)/libardir.a
	$(CC) -o $@ $(KEYS_SRCS:%.c=$(B)/nss-test/keys/%.o) $(B)/libardir.a \
		$(AR_LDFLAGS) -pie

# The tests' one JWT minter (C), used by the unit tests and armint.
$(B)/libjwtmint.a: $(B)/obj/tests/lib/jwtmint.o
	@rm -f $@
	ar rcs $@ $^

TEST_LIBS := $(B)/libjwtmint.a $(B)/libar.a $(B)/libardir.a

$(B)/tests/%: tests/unit/%.c tests/unit/harness.h $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -Itests/lib -o $@ $< $(TEST_LIBS) $(AR_LDFLAGS) \
		$(LIBS)

# The PAM drivers share tests/lib/pamlib.c (syslog capture, conversation).
# libcrypt is loaded from the start: under ASan, interceptors of functions
# in libraries that only a dlopen'ed module brings are never resolved.
$(B)/tools/pamdrive: tests/tools/pamdrive.c tests/lib/pamlib.c tests/lib/pamlib.h
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -Itests/lib -rdynamic -o $@ $< tests/lib/pamlib.c \
		$(AR_LDFLAGS) -lpam -Wl,--no-as-needed -lcrypt -Wl,--as-needed

$(B)/tools/httpsbench: tests/tools/httpsbench.c
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -o $@ $< $(AR_LDFLAGS) -lcurl

$(B)/tools/%: tests/tools/%.c $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -Itests/lib -o $@ $< $(TEST_LIBS) $(AR_LDFLAGS) \
		$(LIBS)

tools: $(TOOL_BINS) $(NSS_TEST) $(KEYS_TEST)

unit: $(UNIT_BINS)

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all $(UNIT_BINS) $(TOOL_BINS) $(NSS_TEST) $(KEYS_TEST)
	@B=$(B) PYTHON=$(PYTHON) bash tests/run-all

# What a package build runs: no root needed, nothing installed, nothing
# outside the build tree changed (unit tests, the integration suite with
# users from nss_wrapper, the fuzz corpus replay; no host tests).
check-unprivileged: all $(UNIT_BINS) $(TOOL_BINS) $(NSS_TEST) $(KEYS_TEST)
	@B=$(B) PYTHON=$(PYTHON) bash tests/run-all --unprivileged

# The whole suite again with AddressSanitizer and UBSan, in its own tree.
check-asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check-run

# Install the missing ones of a package list (Debian); nothing if all are there.
define install_pkgs
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all packages present"; fi
endef

deps:
	$(call install_pkgs,$(DEB_PKGS))

deps-demo:
	$(call install_pkgs,$(DEMO_PKGS))

deps-package:
	$(call install_pkgs,$(DEB_PKGS) $(PKG_PKGS))

demo: deps-demo
	@$(MAKE) --no-print-directory demo-run

demo-run: all $(TOOL_BINS)
	@PYTHON=$(PYTHON) $(PYTHON) tests/demo.py

bench: all $(TOOL_BINS) $(NSS_TEST)
	@PYTHON=$(PYTHON) $(PYTHON) tests/bench/bench.py
	@PYTHON=$(PYTHON) $(PYTHON) tests/bench/bench_outage.py

MAN5	:= $(sort $(wildcard man/*.5))
MAN8	:= $(sort $(wildcard man/*.8))
UNITS	:= $(sort $(wildcard conf/systemd/*.service conf/systemd/*.timer))

# Installs what "make" built; it never builds (so "sudo make install" leaves
# no root-owned objects in the tree).
install:
	@for f in $(PROGS); do [ -e $$f ] || { \
		echo "install: $$f is missing: run make first" >&2; exit 1; }; done
	install -d -m 0755 $(DESTDIR)$(PAMDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(PAMCONFDIR) $(DESTDIR)$(SYSCONFDIR)/security
	install -m 0644 $(B)/pam_authrocket.so $(DESTDIR)$(PAMDIR)/pam_authrocket.so
	install -m 0755 $(B)/authrocket-helper $(DESTDIR)$(LIBEXECDIR)/authrocket-helper
	install -m 0755 $(B)/authrocket-check $(DESTDIR)$(SBINDIR)/authrocket-check
	@if [ -e $(B)/authrocket-sync ]; then set -x; install -m 0755 \
		$(B)/authrocket-sync $(DESTDIR)$(SBINDIR)/authrocket-sync; fi
	@if [ -e $(B)/authrocket-keys ]; then set -x; install -m 0755 \
		$(B)/authrocket-keys $(DESTDIR)$(SBINDIR)/authrocket-keys; fi
	@if [ -e $(B)/libnss_authrocket.so.2 ]; then set -x; \
		install -d -m 0755 $(DESTDIR)$(NSSDIR) && install -m 0644 \
		$(B)/libnss_authrocket.so.2 $(DESTDIR)$(NSSDIR)/libnss_authrocket.so.2; fi
	@if [ -n "$(UNITS)" ]; then set -x; install -d -m 0755 \
		$(DESTDIR)$(SYSTEMDDIR) && install -m 0644 $(UNITS) \
		$(DESTDIR)$(SYSTEMDDIR)/; fi
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 conf/pam-configs/authrocket $(DESTDIR)$(PAMCONFDIR)/authrocket
	@# The configuration holds secrets: 0600, and never overwritten.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/security/pam_authrocket.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/security/pam_authrocket.conf"; \
	else \
		install -m 0600 conf/pam_authrocket.conf.example \
			$(DESTDIR)$(SYSCONFDIR)/security/pam_authrocket.conf; \
	fi

# The configuration file is left in place: it may hold the realm's secrets.
# The pam-auth-update profile goes first, so that no stack is left naming a
# module that is gone.
uninstall:
	rm -f $(DESTDIR)$(PAMCONFDIR)/authrocket
	@if [ -z "$(DESTDIR)" ] && command -v pam-auth-update >/dev/null; then \
		set -x; pam-auth-update --package --remove authrocket; fi
	rm -f $(DESTDIR)$(PAMDIR)/pam_authrocket.so \
		$(DESTDIR)$(LIBEXECDIR)/authrocket-helper \
		$(DESTDIR)$(SBINDIR)/authrocket-check \
		$(DESTDIR)$(SBINDIR)/authrocket-sync \
		$(DESTDIR)$(SBINDIR)/authrocket-keys \
		$(DESTDIR)$(NSSDIR)/libnss_authrocket.so.2 \
		$(UNITS:conf/systemd/%=$(DESTDIR)$(SYSTEMDDIR)/%) \
		$(MAN8:man/%=$(DESTDIR)$(MANDIR)/man8/%) \
		$(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

# The Debian packages, built from a copy of the tree under $(B)/package
# (dpkg-buildpackage writes beside the source), then checked: contents and
# lintian.  "make package-test" (root) also installs and removes them.
PKG_DIR	:= $(B)/package
package:
	@B=$(B) bash tests/package/build.sh

package-test: package
	@flock -w 1800 /run/lock/pam_authrocket-host-tests \
		env B=$(B) bash tests/package/install-test.sh

lint:
	@for m in man/*.[58]; do mandoc -Tlint -W warning $$m || exit 1; done

version:
	@echo $(VERSION)

# cppcheck and the clang static analyser over src/ and the shim; reviewed
# findings are listed with their reasons in tests/analyze/*.supp.
analyze:
	@bash tests/analyze/run.sh

clean:
	rm -rf $(B)

# --- Hardening: fuzzing, fault injection, soak ------------------------------
# "make fuzz" runs each libFuzzer target FUZZ_SECONDS seconds (clang);
# "make fuzz-replay" replays the committed corpora with gcc (also part of
# make check through tests/run-all); "make check-faults" fails every
# counted call in turn; "make soak" is the long run (not in make check).

FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_CC	?= clang
FB	:= $(B)/fuzz
RB	:= $(B)/fuzz-replay
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE $(INC) \
	-Itests/fuzz $(WARN) -Wno-format-nonliteral
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FB)/obj/%.o) $(DIR_SRCS:%.c=$(FB)/obj/%.o)
REPLAY_LIB_OBJS := $(LIB_SRCS:%.c=$(RB)/obj/%.o) \
	$(DIR_SRCS:%.c=$(RB)/obj/%.o)
REPLAY_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz fuzz-bins fuzz-replay fuzz-replay-bins check-faults faults-bins soak timing
.SECONDARY: $(FUZZ_LIB_OBJS) $(REPLAY_LIB_OBJS)

$(FB)/obj/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=address,undefined,fuzzer-no-link \
		-c -o $@ $<

$(FB)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=address,undefined,fuzzer -o $@ $< \
		$(FUZZ_LIB_OBJS) $(LIBS)

fuzz-bins: $(FUZZ_NAMES:%=$(FB)/fuzz_%)

fuzz: fuzz-bins
	@FB=$(FB) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
		bash tests/fuzz/run.sh

$(RB)/obj/%.o: %.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE $(INC) $(WARN) $(REPLAY_SAN) -c -o $@ $<

$(RB)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/replay_main.c \
		$(REPLAY_LIB_OBJS)
	$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE $(INC) -Itests/fuzz $(WARN) \
		$(REPLAY_SAN) -o $@ $< tests/fuzz/replay_main.c \
		$(REPLAY_LIB_OBJS) $(LIBS)

fuzz-replay-bins: $(FUZZ_NAMES:%=$(RB)/replay_%)

fuzz-replay:
	@B=$(B) bash tests/fuzz/replay.sh

$(B)/faults/failinj.so: tests/faults/failinj.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -fPIC -shared -Wall -Wextra -o $@ $< -ldl

$(B)/faults/pam_faultwrap.so: tests/faults/pam_faultwrap.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -fPIC -shared -Wall -Wextra -o $@ $< -ldl -lpam

faults-bins: $(B)/faults/failinj.so $(B)/faults/pam_faultwrap.so

# Every counted call of every scenario; 40 of each under LeakSanitizer.
check-faults: all tools faults-bins
	@$(PYTHON) tests/faults/run.py --build $(B) --leaks 40

# Soak: valgrind, memory growth and threads (long; not in make check).
soak: all tools
	@$(PYTHON) tests/soak/soak.py --build $(B)

# Latency of failed logins by kind (user enumeration by time).
timing: all tools
	@$(PYTHON) tests/soak/timing.py --build $(B)
