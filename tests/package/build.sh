#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the Debian packages from a copy of the tree and check them: the
# version agrees with the sources, every program, unit and manual page is in a
# package at its path, the configuration is a 0600 conffile, the maintainer
# scripts enable nothing and disable the profile before removal, and
# lintian reports no error.  The nsswitch.conf edit is tried on sample
# files first.  Closing line: "package: N passed, N failed".
# The build fails when "make install" makes a file no package takes.
# DEB_BUILD_OPTIONS=nocheck skips the unprivileged tests inside the build.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
ROOTDIR=$PWD
OUT=$ROOTDIR/$B/package
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL package: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
finish() { echo "package: $pass passed, $fail failed, 0 skipped"; exit $((fail > 0)); }

ver=$(sed -n 's/^#define AR_VERSION[[:space:]]*"\(.*\)"/\1/p' src/base/ar.h)
dver=$(dpkg-parsechangelog -S Version)
check '[ "$ver" = "$dver" ]' "debian/changelog $dver differs from AR_VERSION $ver"

rm -rf "$OUT" && mkdir -p "$OUT/src"
# The maintainer scripts' nsswitch.conf edit, on sample files.
if B=$B bash tests/package/nsswitch.sh; then ok; else bad "nsswitch.conf edit"; fi
src=$OUT/src/pam-authrocket-$ver
mkdir -p "$src"
tar -C "$ROOTDIR" --exclude=./build --exclude=./.git --exclude='./build/*' \
	-cf - . | tar -C "$src" -xf -
echo "building in $src (log: $OUT/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -j2) >"$OUT/build.log" 2>&1; then
	tail -40 "$OUT/build.log"
	bad "dpkg-buildpackage failed"
	finish
fi
ok
grep -E '^[a-z0-9/_.-]+: [0-9]+ passed' "$OUT/build.log" | tail -8
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
pam=$OUT/src/libpam-authrocket_${ver}_$arch.deb
nss=$OUT/src/libnss-authrocket_${ver}_$arch.deb
check '[ -f "$pam" ] && [ -f "$nss" ]' "both packages built"
[ -f "$pam" ] || finish
dpkg -c "$pam" >"$OUT/pam.contents"
dpkg -c "$nss" >"$OUT/nss.contents"
has() {	# FILE PATH MODE-PREFIX
	grep -Eq "^$3[^ ]* +root/root +[0-9]+ [-0-9]+ [0-9:]+ \\.$2\$" "$1"
}
for p in "/lib/$ma/security/pam_authrocket.so -rw-r--r--" \
	"/usr/libexec/pam_authrocket/authrocket-helper -rwxr-xr-x" \
	"/usr/sbin/authrocket-check -rwxr-xr-x" \
	"/usr/sbin/authrocket-sync -rwxr-xr-x" \
	"/usr/sbin/authrocket-keys -rwxr-xr-x" \
	"/lib/systemd/system/authrocket-sync.service -rw-r--r--" \
	"/lib/systemd/system/authrocket-sync.timer -rw-r--r--" \
	"/usr/share/pam-configs/authrocket -rw-r--r--" \
	"/etc/security/pam_authrocket.conf -rw-------" \
	"/usr/share/man/man5/pam_authrocket.conf.5.gz -rw-r--r--"; do
	path=${p% *} mode=${p#* }
	check 'has "$OUT/pam.contents" "$path" "$mode"' \
		"libpam-authrocket lacks $path ($mode)"
done
# A manual page for every program and for the module.
for m in pam_authrocket authrocket-check authrocket-sync authrocket-keys; do
	check 'has "$OUT/pam.contents" /usr/share/man/man8/$m.8.gz -rw-r--r--' \
		"libpam-authrocket lacks $m(8)"
done
check 'has "$OUT/nss.contents" /lib/$ma/libnss_authrocket.so.2 -rw-r--r--' \
	"libnss-authrocket lacks the NSS module"
# The NSS module is loaded into every process: it must need libc only.
nssdep=$(dpkg-deb -f "$nss" Depends)
check '[ "$(echo "$nssdep" | tr "," "\n" | grep -vc "libc6")" -eq 0 ]' \
	"libnss-authrocket depends on more than libc: $nssdep"
check '! grep -q "\\./usr/local" "$OUT/pam.contents"' "nothing under /usr/local"

ctl=$OUT/ctl
rm -rf "$ctl" && mkdir -p "$ctl/pam" "$ctl/nss"
dpkg-deb -e "$pam" "$ctl/pam" && dpkg-deb -e "$nss" "$ctl/nss"
check 'grep -qx /etc/security/pam_authrocket.conf "$ctl/pam/conffiles"' \
	"configuration is a conffile"
dep=$(dpkg-deb -f "$pam" Depends)
for d in libpam-runtime libc6 libjwt libjansson libcurl libssl3; do
	check 'echo "$dep" | grep -q "$d"' "Depends names $d: $dep"
done
check 'grep -q "pam-auth-update --package --remove authrocket" "$ctl/pam/prerm"' \
	"prerm disables the profile"
check '! grep -Eq -- "--enable|systemctl (enable|start)|deb-systemd-invoke start" "$ctl/pam/postinst"' \
	"postinst enables or starts nothing"
# dh_installsystemd --no-enable: units are enabled again on upgrade only
# when the administrator had enabled them.
check '! grep -q "deb-systemd-helper enable" "$ctl/pam/postinst" ||
	grep -q "was-enabled" "$ctl/pam/postinst"' "units are not enabled"

check 'grep -q "/var/cache/pam_authrocket" "$ctl/pam/postrm"' \
	"purge removes the cache"
check 'grep -q "authrocket" "$ctl/nss/preinst" && grep -q "authrocket" "$ctl/nss/postrm"' \
	"libnss-authrocket edits nsswitch.conf"

lintian --fail-on error --tag-display-limit 0 "$OUT"/src/*.changes \
	>"$OUT/lintian.txt" 2>&1
st=$?
cat "$OUT/lintian.txt"
check '[ $st -eq 0 ] && ! grep -q "^E:" "$OUT/lintian.txt"' "lintian errors"
finish
