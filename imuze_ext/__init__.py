"""Hand-written layer over the generated iMuze client: auth, retries, polling, downloads."""
