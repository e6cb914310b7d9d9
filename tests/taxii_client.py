"""Drives Concord's TAXII 2.1 endpoint with the taxii2-client package (PyPI):
a writer of one state adds objects, a reader of another state reads them,
and what each may see follows Concord's access model. Exits 1 on the first
expectation that fails."""
import json
import sys

import requests
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Server, as_pages

UUIDS = [
    "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "1d2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "2c2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "3b2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
]
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"


class Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = "Bearer " + self.token
        return r


def indicator(n, name, marking=None):
    o = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--" + UUIDS[n],
        "created": "2026-11-01T00:00:00.000Z",
        "modified": "2026-11-01T00:00:00.000Z",
        "name": name,
        "pattern": "[ipv4-addr:value = '203.0.113.%d']" % (n + 1),
        "pattern_type": "stix",
        "valid_from": "2026-11-01T00:00:00Z",
    }
    if marking:
        o["object_marking_refs"] = [marking]
    return o


def expect(cond, what):
    if not cond:
        print("FAILED: " + what)
        sys.exit(1)
    print("ok: " + what)


def collections(base, token):
    server = Server(base + "/taxii2/", auth=Bearer(token))
    root = server.api_roots[0]
    return {getattr(c, "alias", None) or c.title: c for c in root.collections}


def main(base, writer, reader, password):
    # HTTP Basic, as taxii2-client does it with user= and password=: the
    # password itself, or an API token in its place; a wrong one gets 401
    # with a challenge.
    basic = Server(base + "/taxii2/", user="cn.officer", password=password)
    expect(len(basic.api_roots) == 1, "Basic with the password")
    token_as_password = Server(base + "/taxii2/", user="cn.officer", password=writer)
    expect(len(token_as_password.api_roots) == 1, "Basic with an API token as the password")
    r = requests.get(base + "/taxii2/", auth=("cn.officer", "not the password"))
    expect(r.status_code == 401, "a wrong Basic password is refused: %d" % r.status_code)
    expect("Basic" in r.headers.get("WWW-Authenticate", ""), "the 401 says how to authenticate")
    expect(r.json().get("http_status") == "401", "the 401 is a TAXII error: %s" % r.text)

    w = collections(base, writer)
    expect("all-members" in w and "state-CN" in w and "state-RU" not in w, "the writer sees its sharing groups: %s" % sorted(w))
    shared = w["all-members"]
    expect(shared.can_write, "the writer may add to all-members")
    envelope = {
        "objects": [
            indicator(0, "plain"),
            indicator(1, "amber", AMBER),
            indicator(2, "red", RED),
            {"type": "indicator", "id": "indicator--not-a-uuid", "spec_version": "2.1"},
        ]
    }
    status = shared.add_objects(json.dumps(envelope))
    expect(status.status == "complete", "the POST completes")
    expect(status.success_count == 3 and status.failure_count == 1, "three objects in, the malformed one refused")
    expect("indicator--not-a-uuid" in json.dumps(status.failures), "the failure names the object")
    w["state-CN"].add_objects(json.dumps({"objects": [indicator(3, "national")]}))

    got = shared.get_objects()
    expect(sorted(o["name"] for o in got["objects"]) == ["amber", "plain", "red"], "the writer reads all three")
    pages = [p for p in as_pages(shared.get_objects, per_request=1)]
    names = [o["name"] for p in pages for o in p.get("objects", [])]
    expect(len(pages) == 3 and sorted(names) == ["amber", "plain", "red"], "paging one by one yields each once")
    manifest = shared.get_manifest()
    expect(len(manifest["objects"]) == 3, "the manifest lists three")
    one = shared.get_object("indicator--" + UUIDS[0])
    expect(one["objects"][0]["name"] == "plain", "one object by id")
    later = shared.get_objects(added_after=manifest["objects"][0]["date_added"])
    expect(not later.get("objects"), "nothing was added after the last addition")
    typed = shared.get_objects(type="malware")
    expect(not typed.get("objects"), "match[type] filters")

    r = collections(base, reader)
    expect("state-CN" not in r and "state-RU" in r, "the reader sees its own state's group, not another's")
    seen = r["all-members"].get_objects()
    names = sorted(o["name"] for o in seen["objects"])
    expect(names == ["amber", "plain"], "the reader's clearance hides the red object")
    expect(not r["all-members"].can_write, "an analyst may not write")
    try:
        r["all-members"].add_objects(json.dumps({"objects": [indicator(0, "x")]}))
        expect(False, "an analyst's POST is refused")
    except (TAXIIServiceException, requests.exceptions.HTTPError):
        expect(True, "an analyst's POST is refused")
    try:
        Server(base + "/taxii2/", auth=Bearer("forged")).api_roots
        expect(False, "a forged token is refused")
    except (TAXIIServiceException, requests.exceptions.HTTPError):
        expect(True, "a forged token is refused")
    print("taxii2-client: all expectations met")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4])
