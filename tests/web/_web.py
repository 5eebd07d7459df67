"""Shared by the web scenario tests: a daemon serving the built UI, API
calls with a token, signing in through the page.

    import _web
    hl = _web.daemon(wrapup=30)      # demo center, web/dist served at /
    tok = _web.token(hl, "supervisor", "supervisor-demo")
    st, body = _web.api(hl, tok, "GET", "/api/v1/queues")
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "voice"))
import harness  # noqa: E402
import _browser  # noqa: E402,F401

WEB_DIST = os.path.join(harness.repo_root(), "web", "dist")
SCENARIOS = os.path.join(HERE, "scenarios")
VOICE_SCENARIOS = os.path.join(harness.repo_root(), "tests", "voice",
                               "scenarios")


def need_dist():
    if not os.path.exists(os.path.join(WEB_DIST, "index.html")):
        print("web/dist is not built: run 'make web' first")
        print("0 passed, 1 failed")
        sys.exit(1)


def daemon(offer_timeout=15, wrapup=30, **kw):
    """hotline serve on the demo center (general queue: the given offer
    timeout and wrap-up), serving web/dist at /."""
    import _sipp
    need_dist()
    text = _sipp.demo_text(offer_timeout=offer_timeout, wrapup=wrapup)
    args = ["--web", WEB_DIST] + list(kw.pop("args", []))
    return harness.Hotline(center_text=text, args=args, **kw)


def token(hl, user, password):
    st, body = hl.post("/api/v1/login", {"username": user,
                                         "password": password})
    if st != 200:
        raise AssertionError("login %s: %s %s" % (user, st, body))
    return body["token"]


def api(hl, tok, method, path, body=None):
    return hl.request(method, path, body=body,
                      headers={"Authorization": "Bearer " + tok})


def me(hl, tok):
    """GET /api/v1/me as the user object (bare or under "user")."""
    st, body = api(hl, tok, "GET", "/api/v1/me")
    if st != 200 or not isinstance(body, dict):
        return {}
    return body.get("user", body)


def wait_until(cond, timeout=10, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            v = cond()
        except Exception:  # noqa: BLE001 (a page mid-render)
            v = None
        if v:
            return v
        time.sleep(step)
    return None


def sign_in(b, page, hl, user, password, lang=None):
    """Open the UI and sign in through the form; lang picks the language
    first (the user's remembered language wins after sign-in)."""
    b.goto(page, hl.base_url + "/")
    b.wait(page, "[data-testid=login-form]")
    if lang:
        b.click(page, "[data-testid=lang-%s]" % lang)
    b.fill(page, "input[name=username]", user)
    b.fill(page, "input[name=password]", password)
    b.click(page, "[data-testid=login-submit]")


def cjk_fonts(b, page, sel):
    """The CJK faces Chromium drew sel's text with."""
    return {f: n for f, n in b.fonts(page, sel).items() if "CJK" in f}


# i18n keys as they would show if a translation were missing ("wo.status.new")
_KEY_RE = (r"\\b(?:app|nav|conn|login|state|reason|desk|pop|call|wrap|disp|"
           r"wall|common|wo|role|channel|lang)\\.[a-z_][a-z_.-]*[a-z]\\b")


def look(b, page, name, t, one_screen=False, full=False):
    """Screenshot build/screenshots/NAME.png and check what a reader would
    notice: no translation key left untranslated, nothing wider than the
    window; one_screen: nothing below the fold either (a wall display)."""
    b.shot(page, name, full=full)
    keys = b.eval(page, "(document.body.innerText.match(new RegExp('%s', 'g'))"
                        " || [])" % _KEY_RE)
    t.check("%s: no untranslated keys" % name, not keys, keys)
    dims = b.eval(page, "[document.scrollingElement.scrollWidth, innerWidth,"
                        " document.scrollingElement.scrollHeight,"
                        " innerHeight]")
    t.check("%s: nothing wider than the window" % name,
            dims and dims[0] <= dims[1], dims)
    if one_screen:
        t.check("%s: all on one screen" % name, dims and dims[2] <= dims[3],
                dims)
