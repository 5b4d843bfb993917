# SPDX-License-Identifier: BSD-3-Clause
"""The host-test machinery itself: the syslog capture the other host tests
rely on for their log assertions."""
import os
import sys
import syslog

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostlib  # noqa: E402


def test_syslog_capture(t):
    h = hostlib.host(t)
    if not h.syslog.ok:
        t.skip(h.syslog.why)
    mark = h.log_mark()
    word = "pam_authrocket(artest:check): capture %d" % os.getpid()
    syslog.openlog("artest", 0, syslog.LOG_AUTH)
    syslog.syslog(syslog.LOG_NOTICE, word)
    syslog.closelog()
    t.eq(h.log_lines(mark), [word], "lines captured from /dev/log")
