#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The libnss-authrocket maintainer scripts' edit of nsswitch.conf, run on
# sample files under a scratch root (dpkg's DPKG_ROOT), never on /etc:
# "authrocket" is added once to passwd and group, after the services
# already there and before a trailing comment; nothing else changes; an
# upgrade adds nothing; removal gives back the original file byte for byte
# and takes out only the service's own word.
# Closing line: "package-nsswitch: N passed, N failed, 0 skipped".
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
T=$PWD/$B/package/nsswitch
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL package-nsswitch: $*"; }
rm -rf "$T" && mkdir -p "$T/root/etc" "$T/bin"
# dpkg-query answers for the other instances of a multi-arch installation.
cat >"$T/bin/dpkg-query" <<'STUB'
#!/bin/sh
[ -n "${OTHER_ARCH:-}" ] && echo "ii "
exit 0
STUB
chmod +x "$T/bin/dpkg-query"
F=$T/root/etc/nsswitch.conf
# Scripts that would edit the real /etc are not run at all.
for s in debian/libnss-authrocket.preinst debian/libnss-authrocket.postrm; do
	if ! grep -q 'file="${DPKG_ROOT:-}/etc/nsswitch.conf"' "$s"; then
		echo "FAIL package-nsswitch: $s does not honour DPKG_ROOT"
		echo "package-nsswitch: 0 passed, 1 failed, 0 skipped"
		exit 1
	fi
done
inst() { DPKG_ROOT=$T/root PATH=$T/bin:$PATH sh debian/libnss-authrocket.preinst "$@"; }
rem()  { DPKG_ROOT=$T/root PATH=$T/bin:$PATH sh debian/libnss-authrocket.postrm "$@"; }

# case NAME ORIGINAL EXPECTED: install, again, upgrade, remove, install
# again after the removal, failed install, purge.
case_() {
	local name=$1 orig=$2 want=$3
	printf '%s' "$orig" >"$F"
	inst install || { bad "$name: preinst failed"; return; }
	if [ "$(cat "$F"; echo .)" = "$want." ]; then ok; else
		bad "$name: after install:"; diff <(printf '%s' "$want") "$F"; fi
	inst install
	if [ "$(cat "$F"; echo .)" = "$want." ]; then ok; else
		bad "$name: a second install changed the file"; fi
	inst upgrade 1.0.0 1.1.0
	if [ "$(cat "$F"; echo .)" = "$want." ]; then ok; else
		bad "$name: an upgrade changed the file"; fi
	OTHER_ARCH=1 rem remove
	if [ "$(cat "$F"; echo .)" = "$want." ]; then ok; else
		bad "$name: removing one of two architectures edited the file"; fi
	rem remove || bad "$name: postrm failed"
	if [ "$(cat "$F"; echo .)" = "$orig." ]; then ok; else
		bad "$name: after remove:"; diff <(printf '%s' "$orig") "$F"; fi
	inst upgrade 1.0.0 1.1.0
	if [ "$(cat "$F"; echo .)" = "$orig." ]; then ok; else
		bad "$name: an upgrade put back what was taken out"; fi
	inst install 1.0.0 1.1.0
	if [ "$(cat "$F"; echo .)" = "$want." ]; then ok; else
		bad "$name: installing after a removal did not add it"; fi
	rem abort-install 1.0.0
	if [ "$(cat "$F"; echo .)" = "$orig." ]; then ok; else
		bad "$name: a failed installation left it in"; fi
	rem purge
	if [ "$(cat "$F"; echo .)" = "$orig." ]; then ok; else
		bad "$name: purge changed the restored file"; fi
}

debian12='# /etc/nsswitch.conf
#
# Example configuration of GNU Name Service Switch functionality.

passwd:         files systemd
group:          files systemd
shadow:         files
gshadow:        files

hosts:          files dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
'
case_ debian12 "$debian12" "${debian12/files systemd
group:          files systemd/files systemd authrocket
group:          files systemd authrocket}"

case_ "tabs, trailing blanks, comments" \
'#passwd: files
passwd:	files  # local first
group:	files [NOTFOUND=return] ldap	 
shadow: files
' \
'#passwd: files
passwd:	files authrocket  # local first
group:	files [NOTFOUND=return] ldap authrocket	 
shadow: files
'

case_ "no final newline, other lines alike" \
'passwdx: files
group: compat
passwd: compat' \
'passwdx: files
group: compat authrocket
passwd: compat authrocket'

case_ "no group line" 'passwd: files
' 'passwd: files authrocket
'

# An administrator's own placement is kept on install; removal takes out
# only the word, and no look-alike.
printf 'passwd: authrocket files\ngroup: files authrocket-x sss\n' >"$F"
inst install
if [ "$(cat "$F")" = "$(printf 'passwd: authrocket files\ngroup: files authrocket-x sss authrocket')" ]; then
	ok; else bad "own placement: $(cat "$F")"; fi
rem remove
if [ "$(cat "$F")" = "$(printf 'passwd: files\ngroup: files authrocket-x sss')" ]; then
	ok; else bad "removal of an own placement: $(cat "$F")"; fi

# No nsswitch.conf: nothing is made.
rm -f "$F"
inst install && rem remove && rem purge
if [ ! -e "$F" ]; then ok; else bad "a missing nsswitch.conf was created"; fi

echo "package-nsswitch: $pass passed, $fail failed, 0 skipped"
exit $((fail > 0))
