# Everything a fresh clone needs, with only python3 on the machine.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# Local development: debug pages, local secret key, SQLite unless DATABASE_URL is set.
export DJANGO_DEBUG ?= 1

.PHONY: run test setup lint bench lighthouse screenshots superuser node-tools clean stack stack-clean soak

run: setup
	$(BIN)/python manage.py create_superuser_from_env
	@$(BIN)/python manage.py create_demo_accounts
	@echo ""
	@echo "Briefings:  http://127.0.0.1:$(PORT)/"
	@echo "Admin:      http://127.0.0.1:$(PORT)/admin/"
	@echo "Log in with a demo account above (one per role: writer, editor, admin),"
	@echo "an account made by 'make superuser', or start with DJANGO_SUPERUSER_USERNAME,"
	@echo "DJANGO_SUPERUSER_EMAIL and a strong DJANGO_SUPERUSER_PASSWORD set."
	@echo ""
	DJANGO_SITE_URL=$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) node-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py rebuild_derived --only fields,cards,pending
	$(BIN)/python manage.py load_demo

superuser: setup
	$(BIN)/python manage.py createsuperuser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The production shape on one machine: PostgreSQL, Redis, an S3 stand-in, two app nodes,
# the release runner and Varnish, supervised (deploy/stack.py). Ctrl-C keeps the data.
stack: $(STAMP)
	DJANGO_DEBUG=0 $(BIN)/python deploy/stack.py

# Readers and an editor through the running stack, with a fault in each phase (needs wrk).
soak: $(STAMP)
	$(BIN)/python bench/soak.py $(SOAK_ARGS)

stack-clean:
	@if [ -f .stack/supervisord.pid ] && kill -0 $$(cat .stack/supervisord.pid) 2>/dev/null; then \
		echo "The stack is running: stop it (Ctrl-C) first."; exit 1; fi
	rm -rf .stack /var/tmp/briefings-stack-$$($(PYTHON) -c "import hashlib,os; print(hashlib.sha256(os.path.realpath('.stack').encode()).hexdigest()[:10])")

# Lighthouse scores and page weights of every public page type (needs chromium and npm).
lighthouse: $(STAMP) node-tools
	$(BIN)/python bench/lighthouse.py

# The README's pictures, from the demo content (needs chromium).
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# axe-core and the Nu Html Checker, for the accessibility and HTML validity tests.
# Without npm those tests are skipped with a message saying how to enable them.
node-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	else echo "npm not found: accessibility and HTML validity tests will be skipped."; fi

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles
