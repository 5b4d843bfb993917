#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Root only: install the packages "make package" built, check that nothing
# was enabled, enable the pam-auth-update profile, remove the packages and
# check that the profile went out of the stacks before the module went, and
# that /etc is exactly as before (it is restored and the test fails if not).
# Closing line: "package-install: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
OUT=$PWD/$B/package
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL package-install: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
if [ "$(id -u)" -ne 0 ]; then
	echo "package-install: 0 passed, 0 failed, 1 skipped (needs root)"
	exit 0
fi
ver=$(sed -n 's/^#define AR_VERSION[[:space:]]*"\(.*\)"/\1/p' src/base/ar.h)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pam=$OUT/src/libpam-authrocket_${ver}_$arch.deb
nss=$OUT/src/libnss-authrocket_${ver}_$arch.deb
for p in libpam-authrocket libnss-authrocket; do
	if dpkg-query -W -f '${Status}' $p 2>/dev/null | grep -q installed; then
		echo "package-install: 0 passed, 0 failed, 1 skipped ($p is installed here)"
		exit 0
	fi
done
# Files the packages would take over must not exist outside dpkg's
# knowledge (an earlier "make install"): dpkg would replace, then delete them.
for f in $( (dpkg -c "$pam"; dpkg -c "$nss") | awk '$1 !~ /^d/ {print substr($6, 2)}'); do
	if [ -e "$f" ]; then
		echo "package-install: 0 passed, 0 failed, 1 skipped ($f exists)"
		exit 0
	fi
done

snap=$OUT/etc-before
rm -rf "$snap" && mkdir -p "$snap"
cp -a /etc/pam.d /etc/nsswitch.conf "$snap/"
cp -a /var/lib/pam "$snap/var-lib-pam"
restore() {
	rm -rf /etc/pam.d && cp -a "$snap/pam.d" /etc/pam.d
	cp -a "$snap/nsswitch.conf" /etc/nsswitch.conf
	rm -rf /var/lib/pam && cp -a "$snap/var-lib-pam" /var/lib/pam
}
cleanup() {
	dpkg -P libpam-authrocket libnss-authrocket >/dev/null 2>&1
	rm -rf /var/cache/pam_authrocket
	if ! diff -r "$snap/pam.d" /etc/pam.d >/dev/null ||
	    ! cmp -s "$snap/nsswitch.conf" /etc/nsswitch.conf ||
	    ! diff -r "$snap/var-lib-pam" /var/lib/pam >/dev/null; then
		bad "/etc differs after purge (restored)"
		restore
	fi
}
trap cleanup EXIT

if ! DEBIAN_FRONTEND=noninteractive dpkg -i "$pam" "$nss" >"$OUT/install.log" 2>&1; then
	cat "$OUT/install.log"
	bad "dpkg -i failed"
	cleanup; trap - EXIT
	echo "package-install: $pass passed, $fail failed, 0 skipped"
	exit 1
fi
ok
check '! grep -rq pam_authrocket /etc/pam.d' "installing enabled the profile"
check '[ "$(stat -c %a:%U /etc/security/pam_authrocket.conf)" = 600:root ]' \
	"configuration is 0600 root"
check '[ -x /usr/sbin/authrocket-check ] && /usr/sbin/authrocket-check --version | grep -q "$ver"' \
	"authrocket-check --version"
check '[ -f /lib/$ma/security/pam_authrocket.so ]' "module installed"
check 'grep -Eq "^passwd:.* authrocket$" /etc/nsswitch.conf && grep -Eq "^group:.* authrocket$" /etc/nsswitch.conf' \
	"nsswitch.conf names authrocket"
check '! ls /etc/systemd/system/*.wants/authrocket-* >/dev/null 2>&1' \
	"no unit enabled"
pam-auth-update --package --enable authrocket >/dev/null 2>&1
check 'grep -q pam_authrocket.so /etc/pam.d/common-auth' "profile can be enabled"
DEBIAN_FRONTEND=noninteractive dpkg -r libpam-authrocket >>"$OUT/install.log" 2>&1
check '! grep -rq pam_authrocket /etc/pam.d' "removal left the profile enabled"
check '! grep -q "faulty module" "$OUT/install.log"' "a stack named a missing module"
check '[ ! -e /lib/$ma/security/pam_authrocket.so ]' "module removed"
check '[ -e /etc/security/pam_authrocket.conf ]' "remove keeps the configuration"
DEBIAN_FRONTEND=noninteractive dpkg -r libnss-authrocket >>"$OUT/install.log" 2>&1
check 'cmp -s "$snap/nsswitch.conf" /etc/nsswitch.conf' "nsswitch.conf restored exactly"
dpkg -P libpam-authrocket libnss-authrocket >>"$OUT/install.log" 2>&1
check '[ ! -e /etc/security/pam_authrocket.conf ]' "purge removes the configuration"
cleanup
trap - EXIT
echo "package-install: $pass passed, $fail failed, 0 skipped"
exit $((fail > 0))
