# SPDX-License-Identifier: BSD-3-Clause
"""Every reason keyword the code can log is explained in the README's
troubleshooting table and in pam_authrocket(8): the keywords are read out
of the sources (the reason argument of every ar_fail() call, and the
transport failure classes), not from a list kept by hand."""
import re

from artest import ROOT

# Internal failures with no advice to give beyond "report it".
UNDOCUMENTED_OK = set()


def split_args(text):
    """Top-level comma-separated arguments of a call's argument text."""
    args, depth, cur, i = [], 0, "", 0
    while i < len(text):
        c = text[i]
        if c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            cur += text[i:j + 1]
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append(cur)
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append(cur)
            cur = ""
            i += 1
            continue
        cur += c
        i += 1
    return args


def reasons_in_sources(programs=False):
    """The module's reasons; with programs, authrocket-sync's instead."""
    found = {}
    if programs:
        files = sorted((ROOT / "src/sync").rglob("*.c"))
    else:
        files = sorted(f for f in (ROOT / "src").rglob("*.c")
                       if "src/sync/" not in str(f)) + [ROOT / "pam_authrocket.c"]
    for f in files:
        text = re.sub(r"/\*.*?\*/", "", f.read_text(), flags=re.S)
        for m in re.finditer(r"\bar_fail\(", text):
            args = split_args(text[m.end():])
            if len(args) < 3:
                continue
            for kw in re.findall(r'"([a-z_]+)"', args[2]):
                found.setdefault(kw, str(f.relative_to(ROOT)))
        k = re.search(r"known\[\]\s*=\s*\{([^}]*)\}", text)
        if k and "transport_reason" in text:
            for kw in re.findall(r'"([a-z_]+)"', k.group(1)):
                found.setdefault(kw, str(f.relative_to(ROOT)))
            found.setdefault("transport", str(f.relative_to(ROOT)))
    return found


def readme_table():
    text = (ROOT / "README.md").read_text()
    sec = text.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    words = set()
    for line in sec.splitlines():
        if line.startswith("|"):
            words |= set(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return words


def man_table():
    text = (ROOT / "man/pam_authrocket.8").read_text()
    sec = text.split("The reason keywords are:", 1)[1].split(".Sh ", 1)[0]
    words = set()
    for line in sec.splitlines():
        if line.startswith(".It Li "):
            words |= set(re.findall(r"[a-z_]+", line[len(".It Li "):]))
    return words


def test_sources_yield_reasons(t):
    found = reasons_in_sources()
    for kw in ("expired", "bad_signature", "timeout", "not_a_token",
               "lookup_failed", "unknown_user", "bad_code"):
        t.true(kw in found, "extraction finds %s" % kw)


def test_every_reason_in_readme(t):
    found, doc = reasons_in_sources(), readme_table()
    missing = sorted(k for k in found if k not in doc and
                     k not in UNDOCUMENTED_OK)
    t.eq(missing, [], "README troubleshooting table lacks (found in %s)" %
         {k: found[k] for k in missing})


def test_every_reason_in_man_page(t):
    found, doc = reasons_in_sources(), man_table()
    missing = sorted(k for k in found if k not in doc and
                     k not in UNDOCUMENTED_OK)
    t.eq(missing, [], "pam_authrocket(8) reason list lacks (found in %s)" %
         {k: found[k] for k in missing})


def test_every_sync_reason_in_its_man_page(t):
    """authrocket-sync logs its own reasons; its page lists them."""
    text = (ROOT / "man/authrocket-sync.8").read_text()
    found = reasons_in_sources(programs=True)
    module = reasons_in_sources()
    missing = sorted(k for k in found if k not in module and
                     ("Li " + k) not in text)
    t.eq(missing, [], "authrocket-sync(8) lacks (found in %s)" %
         {k: found[k] for k in missing})
