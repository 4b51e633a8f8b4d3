#!/bin/sh
# Placeholder demo until the sandbox lands: inspect a corpus patient.
set -e
"$ROUNDS_BIN_DIR/rounds" inspect Tests/Corpus/smart-sample-data/STU-3/SMART/patient-1186747.fhir-bundle.json
