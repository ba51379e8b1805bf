#!/usr/bin/env python3
"""Walks a fresh portal like its first operator: opens the one-time setup link, creates the
first staff user, signs in, enrols the second factor (TOTP computed here), loads staff pages.

    signin.py SETUP_LINK            exit 0 when every step answered as expected
    signin.py SETUP_LINK --drain CONTAINER SANDBOX_URL
        then makes CBC slow (sandbox fault), starts "Test connection" on the demo account,
        sends SIGTERM to CONTAINER while that request is in flight and checks it still completes.
"""
import base64, hashlib, hmac, http.client, re, struct, subprocess, sys, threading, time
import urllib.parse, urllib.request, json

link = sys.argv[1]
base = link.split("/setup")[0]
u = urllib.parse.urlsplit(base)
cookies = {}

def request(method, path, form=None):
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = base
    conn.request(method, path, body=body, headers=headers)
    res = conn.getresponse()
    for h, v in res.getheaders():
        if h.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    text = res.read().decode("utf-8", "replace")
    return res.status, res.getheader("Location") or "", text

def csrf(html):
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)

def totp(secret_b32, at=None):
    key = base64.b32decode(secret_b32.replace(" ", "").upper() + "=" * (-len(secret_b32) % 8))
    step = int((at or time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1_000_000)

def step(what, ok):
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)

path = link[len(base):]
status, _, html = request("GET", path)
step(f"GET the setup link -> {status}", status == 200)
token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
email, password = "ops@example.com", "container test pass phrase 42"
status, loc, _ = request("POST", "/setup", {
    "csrf_token": csrf(html), "token": token, "email": email, "display_name": "Operator",
    "password": password, "password_confirm": password})
step(f"POST /setup creates the first staff user -> {status} {loc}", status == 303)

status, _, html = request("GET", "/login")
status, loc, _ = request("POST", "/login", {"csrf_token": csrf(html), "next": "", "email": email, "password": password})
step(f"POST /login -> {status} {loc}", status == 303 and loc.startswith("/mfa"))
status, _, html = request("GET", "/mfa")
m = re.search(r'class="totp-secret">([A-Z2-7 =]+)<', html)
step("the second-factor page shows a key to enrol", status == 200 and m is not None)
status, loc, _ = request("POST", "/mfa", {"csrf_token": csrf(html), "next": "", "code": totp(m.group(1))})
step(f"POST /mfa with the TOTP code -> {status} {loc}", status == 303)
status, _, html = request("GET", "/admin/accounts")
step(f"GET /admin/accounts (staff page) -> {status}", status == 200 and "demo" in html)

if "--drain" in sys.argv:
    container, sandbox = sys.argv[sys.argv.index("--drain") + 1:][:2]
    acct = re.search(r'href="/admin/accounts/([0-9a-f-]{36})"', html)
    step("the demo account is listed", acct is not None)
    status, _, page = request("GET", f"/admin/accounts/{acct.group(1)}")
    token = csrf(page)
    req = urllib.request.Request(f"{sandbox}/__sandbox/faults", data=json.dumps({"latency_ms": 4000}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req, timeout=10).read()
    result = {}
    def slow():
        try:
            result["answer"] = request("POST", f"/admin/accounts/{acct.group(1)}/test", {"csrf_token": token})
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = repr(e)
    t = threading.Thread(target=slow)
    started = time.time()
    t.start()
    time.sleep(1.0)
    subprocess.run(["docker", "kill", "--signal", "TERM", container], check=True, stdout=subprocess.DEVNULL)
    t.join(30)
    answer = result.get("answer")
    step(f"a 4-second request in flight at SIGTERM completes: {answer[0] if answer else result.get('error')} "
         f"after {time.time() - started:.1f} s", answer is not None and answer[0] in (200, 303))
