"""The contract suite: schemathesis checks the mock, or a live iMuze API, against the spec."""
