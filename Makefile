# make run    set everything up on a fresh machine and start the assistant (SQLite)
# make test   set up the same way and run the whole test suite
# make check  the fast tier: every test that needs neither a trained Rasa model nor a running stack
# make bench  start the stack and print latency, throughput, training time and memory, and the load
#             generator's figures (bench/load.py: both profiles, the bare-Rasa anchor, `lost: N messages, M flags`)
# make staff-user USERNAME=... ROLE=reviewer|admin   an account for the staff review app (port 8000)
# make run-scaled  the same on the local PostgreSQL and Redis, with two Rasa workers

VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: run run-scaled test check bench setup lock clean retention staff-user

$(STAMP): requirements.lock
	@echo "[assistant] creating $(VENV) with $$(scripts/find-python3.10) and installing requirements.lock ..."
	@test -x $(PY) || "$$(scripts/find-python3.10)" -m venv $(VENV)
	@$(PY) -m pip install --quiet --no-deps --no-warn-script-location -r requirements.lock \
		> $(VENV)/pip.log 2>&1 || { grep -v "is ignored: it is neither" $(VENV)/pip.log; exit 1; }
	@$(PY) -W ignore -c "import rasa, rasa_sdk, spacy, spacy_lookups_data, sqlalchemy, alembic" \
		|| { echo "[assistant] installation incomplete: see the pip output above" >&2; exit 1; }
	@touch $(STAMP)

setup: $(STAMP)
	@$(PY) -m bot.cli setup

run: $(STAMP)
	@$(PY) -m bot.cli run

test: setup
	@$(PY) -m pytest

# The scaled profile: PostgreSQL, Redis and two Rasa workers (the local servers every machine here runs;
# override SCALED_DATABASE_URL, SCALED_REDIS_URL, SCALED_WORKERS for others).
SCALED_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
SCALED_REDIS_URL    ?= redis://127.0.0.1:6379/1
SCALED_WORKERS      ?= 2
run-scaled: $(STAMP)
	@DATABASE_URL="$(SCALED_DATABASE_URL)" REDIS_URL="$(SCALED_REDIS_URL)" SANIC_WORKERS="$(SCALED_WORKERS)" \
		$(PY) -m bot.cli run

retention: $(STAMP)
	@$(PY) -m bot.cli retention

# An account for the staff review app: make staff-user USERNAME=alex ROLE=reviewer|admin
# (the password is asked for twice on a terminal, or read from the first line of standard input).
staff-user: $(STAMP)
	@test -n "$(USERNAME)" && test -n "$(ROLE)" || { echo "usage: make staff-user USERNAME=name ROLE=reviewer|admin" >&2; exit 2; }
	@$(PY) -m staff user --username "$(USERNAME)" --role "$(ROLE)"

check: $(STAMP)
	@$(PY) -m pytest -q -m "not e2e and not model" -p no:cacheprovider

bench: setup
	@$(PY) bench/stack_latency.py
	@$(PY) bench/safety_latency.py
	@$(PY) bench/safety_sealed.py
	@$(PY) bench/crisis_conversations.py
	@$(PY) bench/conversations.py
	@$(PY) bench/load.py --quick

# Re-resolve requirements.in together with Rasa's own pins (needs uv: python3 -m pip install uv).
lock:
	uv pip compile requirements.in -o requirements.lock --python-version 3.10 --no-header

clean:
	rm -rf $(VENV) .venv-audit models var .rasa

# The web chat widget's npm packages (socket.io-client, pinned in webchat/package-lock.json; served by
# the Rasa server, never from a CDN), and Debian's chromium for the browser tests in tests/webchat/
# (installed with apt-get when /usr/bin/chromium is missing: that needs root, as on CI).
WEBCHAT_DEPS := webchat/node_modules/.package-lock.json

$(WEBCHAT_DEPS): webchat/package.json webchat/package-lock.json
	@echo "[assistant] installing the web chat widget's npm packages (npm ci in webchat/) ..."
	@cd webchat && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: webchat chromium
webchat: $(WEBCHAT_DEPS)
setup: $(WEBCHAT_DEPS)
run: $(WEBCHAT_DEPS)
test: chromium

chromium:
	@test -x /usr/bin/chromium || { echo "[assistant] installing chromium for the browser tests ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

include audit.mk
