#!/bin/sh
# Runs tfgraph_keras' tests in a virtual environment of their own.
#
#   python/run_tests.sh VENV_DIR        (e.g. python/run_tests.sh target/pyenv)
#
# Creates VENV_DIR with python3 -m venv (or reuses it), installs this package with its test extras at
# the versions of constraints.txt, then runs pytest once per Keras backend (TFGRAPH_KERAS_BACKENDS,
# default "tensorflow jax"). Exit status 0 when every run passes, 1 otherwise (also when python3,
# venv or a package is missing). PYTHON names another interpreter than python3.
set -u
if [ $# -ne 1 ]; then
  echo "usage: $0 VENV_DIR" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
venv=$1
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "tfgraph_keras tests: no $python found (they need Python 3.9+ with venv and pip)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || { echo "tfgraph_keras tests: $python -m venv $venv failed (is the venv module installed?)" >&2; exit 1; }
fi
venv=$(cd "$venv" && pwd)
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c "$here/constraints.txt" "$here[test]" \
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
