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
# What the module and the sync keep at run time (purge deletes it): put
# back afterwards as it was.
for d in /var/lib/pam_authrocket /var/cache/pam_authrocket; do
	[ -e "$d" ] && cp -a "$d" "$snap/keep-$(basename "$(dirname "$d")")"
done
restore() {
	rm -rf /etc/pam.d && cp -a "$snap/pam.d" /etc/pam.d
	cp -a "$snap/nsswitch.conf" /etc/nsswitch.conf
	rm -rf /var/lib/pam && cp -a "$snap/var-lib-pam" /var/lib/pam
}
cleanup() {
	dpkg -P libpam-authrocket libnss-authrocket >/dev/null 2>&1
	rm -rf /var/cache/pam_authrocket /var/lib/pam_authrocket
	[ -e "$snap/keep-lib" ] && cp -a "$snap/keep-lib" /var/lib/pam_authrocket
	[ -e "$snap/keep-cache" ] && cp -a "$snap/keep-cache" /var/cache/pam_authrocket
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
check '[ -f /lib/systemd/system/authrocket-sync.timer ] && [ -x /usr/sbin/authrocket-sync ] && [ -x /usr/sbin/authrocket-keys ]' \
	"sync, keys and the timer installed"
check '[ -f /lib/$ma/libnss_authrocket.so.2 ]' "NSS module installed"
for p in authrocket-sync authrocket-keys /usr/libexec/pam_authrocket/authrocket-helper; do
	check '$(command -v $p || echo $p) --version | grep -q "$ver"' "$p --version"
done
pam-auth-update --package --enable authrocket >/dev/null 2>&1
check 'grep -q pam_authrocket.so /etc/pam.d/common-auth' "profile can be enabled"
DEBIAN_FRONTEND=noninteractive dpkg -r libpam-authrocket >>"$OUT/install.log" 2>&1
check '! grep -rq pam_authrocket /etc/pam.d' "removal left the profile enabled"
check '! grep -q "faulty module" "$OUT/install.log"' "a stack named a missing module"
check '[ ! -e /lib/$ma/security/pam_authrocket.so ]' "module removed"
check '[ -e /etc/security/pam_authrocket.conf ]' "remove keeps the configuration"
DEBIAN_FRONTEND=noninteractive dpkg -r libnss-authrocket >>"$OUT/install.log" 2>&1
check 'cmp -s "$snap/nsswitch.conf" /etc/nsswitch.conf' "nsswitch.conf restored exactly"
check '[ ! -e /lib/$ma/libnss_authrocket.so.2 ]' "NSS module removed"
# Installed again after a removal: the service is named again, once.
DEBIAN_FRONTEND=noninteractive dpkg -i "$nss" >>"$OUT/install.log" 2>&1
check '[ "$(grep -Ec "^(passwd|group):.* authrocket$" /etc/nsswitch.conf)" -eq 2 ]' \
	"reinstalling after removal names authrocket in nsswitch.conf"
DEBIAN_FRONTEND=noninteractive dpkg -P libnss-authrocket >>"$OUT/install.log" 2>&1
check 'cmp -s "$snap/nsswitch.conf" /etc/nsswitch.conf' "nsswitch.conf restored after purge"
dpkg -P libpam-authrocket libnss-authrocket >>"$OUT/install.log" 2>&1
check '[ ! -e /etc/security/pam_authrocket.conf ]' "purge removes the configuration"
check '[ ! -e /var/cache/pam_authrocket ] && [ ! -e /var/lib/pam_authrocket ]' \
	"purge removes the cache and the directory"
cleanup
trap - EXIT
echo "package-install: $pass passed, $fail failed, 0 skipped"
exit $((fail > 0))
