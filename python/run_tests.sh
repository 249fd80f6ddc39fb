#!/bin/sh
# Runs tfgraph_keras' tests in a virtual environment of their own.
#
#   python/run_tests.sh VENV_DIR        (e.g. python/run_tests.sh target/pyenv)
#
# Creates VENV_DIR with python3 -m venv (or reuses it), installs this package with its test extras at
# the versions of constraints.txt, then runs pytest once per Keras backend (TFGRAPH_KERAS_BACKENDS,
# default "tensorflow jax"). Exit status 0 when every run passes, 1 otherwise (also when a package
# cannot be installed). Without a python3 that has venv, the tests are skipped with a warning and exit
# status 0, unless TFGRAPH_REQUIRE_PYTHON=1. PYTHON names another interpreter than python3. pip tries
# each index once (TFGRAPH_PIP_RETRIES, default 0): an index that cannot be reached costs no backoff.
set -u
if [ $# -ne 1 ]; then
  echo "usage: $0 VENV_DIR" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
venv=$1
python=${PYTHON:-python3}
skip() {
  if [ "${TFGRAPH_REQUIRE_PYTHON:-0}" = 1 ]; then
    echo "tfgraph_keras tests: $1" >&2
    exit 1
  fi
  echo "WARNING: tfgraph_keras tests SKIPPED: $1 (they need Python 3.9+ with venv and pip)" >&2
  exit 0
}
command -v "$python" >/dev/null 2>&1 || skip "no $python found"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" >/dev/null 2>&1 || { rm -rf "$venv"; skip "$python -m venv failed (is the venv module installed?)"; }
fi
venv=$(cd "$venv" && pwd)
"$venv/bin/python" -m pip install -qq --disable-pip-version-check --retries "${TFGRAPH_PIP_RETRIES:-0}" -c "$here/constraints.txt" "$here[test]" \
  || { echo "tfgraph_keras tests: pip could not install $here[test]" >&2; exit 1; }
rm -rf "$here/build" "$here"/*.egg-info
status=0
for backend in ${TFGRAPH_KERAS_BACKENDS:-tensorflow jax}; do
  echo "tfgraph_keras tests, Keras backend $backend"
  # run from the venv so that the installed package, not the source tree, is the one tested
  (cd "$venv" && KERAS_BACKEND=$backend TF_CPP_MIN_LOG_LEVEL=2 "$venv/bin/python" -m pytest -q -p no:cacheprovider \
    -W ignore::DeprecationWarning "$here/tests") || status=1
done
exit $status
