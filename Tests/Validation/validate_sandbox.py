#!/usr/bin/env python3
"""Validates what a rounds-sandbox base serves with a third-party FHIR model (fhir.resources).

Usage: validate_sandbox.py BASE CLIENT_ID SECRET_FILE TENANT PATIENT_ID...

Reads the capability statement, a patient search, each patient and every section search Rounds
sends, every Location and Organization those reference, and an empty search; validates each
document (Bundles whole, entries included) against the models of the base's release. Prints one
line per invalid document and a summary; exits 1 when any document is invalid.
"""
import json
import sys
import urllib.parse
import urllib.request


def models(release):
    if release == "DSTU2":
        from fhir.resources.DSTU2 import get_fhir_model_class
    elif release == "STU3":
        from fhir.resources.STU3 import get_fhir_model_class
    else:
        from fhir.resources import get_fhir_model_class
    return get_fhir_model_class


def fetch(url, token=None, body=None, content_type=None):
    request = urllib.request.Request(url, data=body)
    request.add_header("Accept", "application/fhir+json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())


def main():
    base, client_id, secret_file, tenant = sys.argv[1:5]
    patient_ids = sys.argv[5:]
    secret = open(secret_file).read().strip()
    metadata = fetch(base + "/metadata")
    version = metadata.get("fhirVersion", "")
    release = {"1.0": "DSTU2", "3.0": "STU3", "4.0": "R4"}[version[:3]]
    model = models(release)
    token_url = None
    for extension in metadata["rest"][0].get("security", {}).get("extension", []):
        for inner in extension.get("extension", []):
            if inner.get("url") == "token":
                token_url = inner["valueUri"]
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": client_id,
                                   "client_secret": secret, "scope": tenant}).encode()
    token = fetch(token_url, body=form, content_type="application/x-www-form-urlencoded")["access_token"]

    documents = [("metadata", metadata)]
    search = urllib.parse.urlencode({"family": "a", "_count": "5"}).encode()
    documents.append(("Patient/_search", fetch(base + "/Patient/_search", token, search,
                                               "application/x-www-form-urlencoded")))
    medication = "MedicationOrder" if release == "DSTU2" else "MedicationRequest"
    coverage = "patient" if release != "STU3" else "beneficiary"
    references = set()
    for pid in patient_ids:
        queries = ["Patient/" + pid,
                   "Observation?patient=%s&category=vital-signs" % pid,
                   "Condition?patient=" + pid, "Encounter?patient=" + pid,
                   "AllergyIntolerance?patient=" + pid, "%s?patient=%s" % (medication, pid),
                   "Coverage?%s=%s" % (coverage, pid)]
        for query in queries:
            document = fetch(base + "/" + query, token)
            documents.append((query, document))
            text = json.dumps(document)
            for kind in ("Location", "Organization"):
                marker = '"reference": "%s/' % kind
                start = text.find(marker)
                while start >= 0:
                    end = text.find('"', start + len(marker))
                    references.add(text[start + len('"reference": "'):end])
                    start = text.find(marker, end)
    for reference in sorted(references):
        documents.append((reference, fetch(base + "/" + reference, token)))
    documents.append(("empty search", fetch(base + "/Condition?patient=nobody-here", token)))

    invalid = 0
    unchecked = 0
    for name, document in documents:
        try:
            model(document["resourceType"]).parse_obj(document)
        except Exception as error:  # pydantic's ValidationError, or an unknown resourceType
            text = str(error).replace("\n", " | ")
            if "doesnt found" in text:
                # fhir.resources 6.4.0 ships no model for some DSTU2 types (Coverage).
                unchecked += 1
                print("%s %s: not checked: the validator has no model (%s)" % (release, name, text[:120]))
                continue
            invalid += 1
            print("%s %s: invalid: %s" % (release, name, text[:600]))
    print("%s: %d documents, %d invalid, %d not checked" % (release, len(documents), invalid, unchecked))
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main())
