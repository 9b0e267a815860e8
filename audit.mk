# make audit  known advisories in requirements.lock (pip-audit, from a venv of its own)
#
# Include from the Makefile (`include audit.mk`), or paste below the `clean` target; add .venv-audit/
# to .gitignore and to `make clean`. Needs scripts/audit.py, scripts/audit-requirements.txt and
# scripts/audit-accepted.txt.
#
# pip-audit lives in .venv-audit, not in .venv: it needs packaging>=23 and CacheControl>=0.13, and
# Rasa 3.6.21 pins packaging<21 and CacheControl<0.13. Its version and those of its dependencies are
# pinned in scripts/audit-requirements.txt (installed with --no-deps, like requirements.lock).
# It reads requirements.lock with --no-deps --disable-pip: no resolver run, no Rasa install, seconds.
#
# Exit status: 0 = nothing beyond scripts/audit-accepted.txt, or the vulnerability database could not
# be reached (printed as a WARNING: no audit was done); 1 = an advisory not in the accepted list.
# AUDIT_STRICT=1 turns "could not audit" into exit 2 (for a CI job that runs where it can reach it).
# AUDIT_SERVICE=osv asks api.osv.dev instead of PyPI's JSON API.

AUDIT_VENV  := .venv-audit
AUDIT_PY    := $(AUDIT_VENV)/bin/python
AUDIT_REQS  := scripts/audit-requirements.txt
AUDIT_STAMP := $(AUDIT_VENV)/.installed

.PHONY: audit
audit:
	@if [ ! -f $(AUDIT_STAMP) ] || [ $(AUDIT_REQS) -nt $(AUDIT_STAMP) ]; then \
	  echo "[audit] creating $(AUDIT_VENV) with $$(grep '^pip-audit==' $(AUDIT_REQS)) ..."; \
	  { test -x $(AUDIT_PY) || "$$(scripts/find-python3.10)" -m venv $(AUDIT_VENV); } \
	  && $(AUDIT_PY) -m pip install --quiet --no-deps --disable-pip-version-check -r $(AUDIT_REQS) \
	       > $(AUDIT_VENV)/pip.log 2>&1 \
	  && touch $(AUDIT_STAMP) \
	  || { echo "[audit] WARNING: could not install pip-audit (package index unreachable?), see" \
	            "$(AUDIT_VENV)/pip.log. NO AUDIT WAS DONE." >&2; \
	       if [ -n "$$AUDIT_STRICT" ]; then exit 2; else exit 0; fi; }; \
	fi; \
	$(AUDIT_PY) scripts/audit.py requirements.lock --accepted scripts/audit-accepted.txt
