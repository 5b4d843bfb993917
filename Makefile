# pam_authrocket: the PAM module, its network helper and the admin CLI.
# "make" builds into build/; "make check" runs every test.

CC	?= cc
PYTHON	?= python3
PREFIX	?= /usr
DESTDIR	?=
PAMDIR	?= $(shell pkg-config --variable=libdir pam 2>/dev/null || echo /lib/x86_64-linux-gnu)/security
LIBEXECDIR ?= $(PREFIX)/libexec/pam_authrocket
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
PAMCONFDIR ?= $(PREFIX)/share/pam-configs
SYSCONFDIR ?= /etc

B	:= build
WARN	:= -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter
HARDEN	:= -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fno-strict-overflow
OPT	?= -O2 -g
SAN	?=
CFLAGS	?=
AR_CFLAGS := $(OPT) $(SAN) -std=gnu11 -fPIC $(WARN) $(HARDEN) -D_GNU_SOURCE -Isrc $(CFLAGS)
AR_LDFLAGS := $(SAN) -Wl,-z,relro,-z,now $(LDFLAGS)

LIB_SRCS := $(sort $(wildcard src/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
HELPER_SRCS := $(sort $(wildcard src/helper/*.c))
HELPER_OBJS := $(HELPER_SRCS:%.c=$(B)/obj/%.o)
CHECK_SRCS := $(sort $(wildcard src/check/*.c))
CHECK_OBJS := $(CHECK_SRCS:%.c=$(B)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(B)/tools/%)

LIBS	:= -ljwt -ljansson -lcrypto

DEB_PKGS := build-essential pkg-config libpam0g-dev libjwt-dev libcurl4-openssl-dev \
	libjansson-dev libssl-dev libpam-modules openssl ca-certificates python3 \
	pamtester openssh-server openssh-client sshpass sudo valgrind mandoc \
	clang libclang-rt-14-dev libnss-wrapper

.PHONY: all check check-run check-asan unit deps install uninstall demo demo-run \
	bench fuzz clean lint tools

all: $(B)/pam_authrocket.so $(B)/authrocket-helper $(B)/authrocket-check

$(B)/obj/%.o: %.c $(wildcard src/*.h src/helper/*.h) | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -c -o $@ $<

$(B):
	@mkdir -p $(B)

$(B)/libar.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/pam_authrocket.so: $(B)/obj/pam_authrocket.o $(B)/libar.a pam_authrocket.map
	$(CC) -shared -o $@ $(B)/obj/pam_authrocket.o $(B)/libar.a \
		-Wl,--version-script=pam_authrocket.map -Wl,-z,defs $(AR_LDFLAGS) \
		-lpam $(LIBS)

$(B)/authrocket-helper: $(HELPER_OBJS) $(B)/libar.a
	$(CC) -o $@ $(HELPER_OBJS) $(B)/libar.a $(AR_LDFLAGS) -pie -lcurl $(LIBS)

$(B)/authrocket-check: $(CHECK_OBJS) $(B)/libar.a
	$(CC) -o $@ $(CHECK_OBJS) $(B)/libar.a $(AR_LDFLAGS) -pie $(LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/harness.h $(B)/libar.a
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -o $@ $< $(B)/libar.a $(AR_LDFLAGS) $(LIBS)

$(B)/tools/pamdrive: tests/tools/pamdrive.c
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -rdynamic -o $@ $< $(AR_LDFLAGS) -lpam

$(B)/tools/httpsbench: tests/tools/httpsbench.c
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -o $@ $< $(AR_LDFLAGS) -lcurl

$(B)/tools/%: tests/tools/%.c $(B)/libar.a
	@mkdir -p $(dir $@)
	$(CC) $(AR_CFLAGS) -o $@ $< $(B)/libar.a $(AR_LDFLAGS) $(LIBS)

tools: $(TOOL_BINS)

unit: $(UNIT_BINS)

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: all $(UNIT_BINS) $(TOOL_BINS)
	@B=$(B) PYTHON=$(PYTHON) bash tests/run-all

# The whole suite again with AddressSanitizer and UBSan, in its own tree.
check-asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check-run

deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all packages present"; fi

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: all $(TOOL_BINS)
	@PYTHON=$(PYTHON) $(PYTHON) tests/demo.py

bench: all $(TOOL_BINS)
	@PYTHON=$(PYTHON) $(PYTHON) tests/bench/bench.py

install: all
	install -d -m 0755 $(DESTDIR)$(PAMDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(PAMCONFDIR) $(DESTDIR)$(SYSCONFDIR)/security
	install -m 0644 $(B)/pam_authrocket.so $(DESTDIR)$(PAMDIR)/pam_authrocket.so
	install -m 0755 $(B)/authrocket-helper $(DESTDIR)$(LIBEXECDIR)/authrocket-helper
	install -m 0755 $(B)/authrocket-check $(DESTDIR)$(SBINDIR)/authrocket-check
	install -m 0644 man/pam_authrocket.8 man/authrocket-check.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/pam_authrocket.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 conf/pam-configs/authrocket $(DESTDIR)$(PAMCONFDIR)/authrocket
	@# The configuration holds secrets: 0600, and never overwritten.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/security/pam_authrocket.conf ]; then \
		echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/security/pam_authrocket.conf"; \
	else \
		install -m 0600 conf/pam_authrocket.conf.example \
			$(DESTDIR)$(SYSCONFDIR)/security/pam_authrocket.conf; \
	fi

# The configuration file is left in place: it may hold the realm's secrets.
uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_authrocket.so \
		$(DESTDIR)$(LIBEXECDIR)/authrocket-helper \
		$(DESTDIR)$(SBINDIR)/authrocket-check \
		$(DESTDIR)$(MANDIR)/man8/pam_authrocket.8 \
		$(DESTDIR)$(MANDIR)/man8/authrocket-check.8 \
		$(DESTDIR)$(MANDIR)/man5/pam_authrocket.conf.5 \
		$(DESTDIR)$(PAMCONFDIR)/authrocket
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null

lint:
	@for m in man/*.[58]; do mandoc -Tlint -W warning $$m || exit 1; done
	@clang-format --dry-run --Werror $(LIB_SRCS) pam_authrocket.c 2>/dev/null || \
		echo "lint: clang-format differences (advisory)"

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
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE -Isrc \
	-Itests/fuzz $(WARN) -Wno-format-nonliteral
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FB)/obj/%.o)
REPLAY_LIB_OBJS := $(LIB_SRCS:%.c=$(RB)/obj/%.o)
REPLAY_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz fuzz-bins fuzz-replay fuzz-replay-bins check-faults faults-bins soak timing
.SECONDARY: $(FUZZ_LIB_OBJS) $(REPLAY_LIB_OBJS)

$(FB)/obj/%.o: %.c $(wildcard src/*.h)
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

$(RB)/obj/%.o: %.c $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE -Isrc $(WARN) $(REPLAY_SAN) -c -o $@ $<

$(RB)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/replay_main.c \
		$(REPLAY_LIB_OBJS)
	$(CC) -O1 -g -std=gnu11 -D_GNU_SOURCE -Isrc -Itests/fuzz $(WARN) \
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
