"""A stateful reference mock of the iMuze API."""
