#!/usr/bin/env python3
"""The two peers `make bench` measures a sync against (issue 17): small clients that ask the same
sandbox for the same data, read every body, and parse nothing.

  sync_peer.py per-patient BASE CLIENT SECRET-FILE TENANT N
      patient by patient, as a naive client: GET Patient/{id}, then one batch of its six section
      queries; six requests in flight.
  sync_peer.py batch BASE CLIENT SECRET-FILE TENANT N [PATIENTS-PER-BATCH]
      ten patients' Patient reads and section queries in one batch; six batches in flight.

Prints two wall times in seconds: the whole client (discovery, token, then the reads), as
`rounds sync` is timed from its start to its end, and the reads alone.
"""
import concurrent.futures
import json
import sys
import time
import urllib.parse
import urllib.request

mode, base, client, secret_file, tenant, count = sys.argv[1:7]
per_batch = int(sys.argv[7]) if len(sys.argv) > 7 else 10
base = base.rstrip("/")
with open(secret_file) as f:
    secret = f.read().strip()


def read(request):
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.read()


begin = time.perf_counter()
configuration = json.loads(read(base + "/.well-known/smart-configuration"))
form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client, "client_secret": secret,
                               "scope": tenant + " system/*.read"}).encode()
token = json.loads(read(urllib.request.Request(configuration["token_endpoint"], data=form)))["access_token"]
headers = {"Authorization": "Bearer " + token, "Accept": "application/fhir+json"}


def sections(pid):
    return [f"Observation?patient={pid}&category=vital-signs&_sort=-date&_count=200",
            f"Condition?patient={pid}&_count=50", f"Encounter?patient={pid}&_sort=-date&_count=50",
            f"AllergyIntolerance?patient={pid}", f"MedicationRequest?patient={pid}&_count=50",
            f"Coverage?patient={pid}"]


def batch(urls):
    body = json.dumps({"resourceType": "Bundle", "type": "batch",
                       "entry": [{"request": {"method": "GET", "url": u}} for u in urls]}).encode()
    request = urllib.request.Request(base, data=body, headers=dict(headers, **{"Content-Type": "application/fhir+json"}))
    return read(request)


def per_patient(pid):
    read(urllib.request.Request(f"{base}/Patient/{pid}", headers=headers))
    return batch(sections(pid))


ids = ["contos-%04d" % (i + 1) for i in range(int(count))]
start = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
    if mode == "per-patient":
        list(pool.map(per_patient, ids))
    else:
        chunks = [ids[i:i + per_batch] for i in range(0, len(ids), per_batch)]
        list(pool.map(lambda chunk: batch([u for pid in chunk for u in [f"Patient/{pid}"] + sections(pid)]), chunks))
end = time.perf_counter()
print(f"{end - begin:.3f} {end - start:.3f}")
