#!/usr/bin/env bash
# PoolDesk against QuantLib, py_vollib and a plain C Black-Scholes, on one option set, in one run.
#
#   Tests/Benchmarks/compare.sh [--options N] [--repetitions N] [--python-repetitions N] [--json FILE]
#
# Creates a throwaway virtual environment in a temporary directory, installs QuantLib and py_vollib
# from PyPI (and py_vollib_vectorized, which brings numba, unless NO_VECTORIZED=1; if it does not
# install or run, the report says so), compiles baseline.c with `cc -O2`, builds `pooldesk` in
# release mode (scratch path .build-bench, so the normal debug build is untouched), then runs
# compare.py. Everything is removed afterwards unless KEEP_WORKDIR=1.
# Versions can be pinned: QUANTLIB_VERSION=1.44 VOLLIB_VERSION=1.0.12 (the versions last measured).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
workdir="$(mktemp -d "${TMPDIR:-/tmp}/pooldesk-compare.XXXXXX")"
cleanup() {
    if [[ "${KEEP_WORKDIR:-0}" == 1 ]]; then echo "kept $workdir" >&2; else rm -rf "$workdir"; fi
}
trap cleanup EXIT

python="${PYTHON:-python3}"
echo "== virtual environment in $workdir/venv" >&2
"$python" -m venv "$workdir/venv"
pip=("$workdir/venv/bin/pip" install --quiet --disable-pip-version-check)
quantlib="QuantLib${QUANTLIB_VERSION:+==$QUANTLIB_VERSION}"
vollib="py_vollib${VOLLIB_VERSION:+==$VOLLIB_VERSION}"
"${pip[@]}" numpy "$quantlib" || echo "QuantLib did not install: it will be reported as not measured" >&2
"${pip[@]}" "$vollib" || echo "py_vollib did not install: it will be reported as not measured" >&2
if [[ "${NO_VECTORIZED:-0}" != 1 ]]; then
    "${pip[@]}" py_vollib_vectorized || echo "py_vollib_vectorized did not install: reported as not measured" >&2
fi
"$workdir/venv/bin/pip" list --disable-pip-version-check 2>/dev/null \
    | grep -i -E '^(quantlib|py.vollib|vollib|lets.be.rational|numba|numpy) ' >&2 || true

echo "== cc -O2 baseline.c" >&2
"${CC:-cc}" -O2 -o "$workdir/baseline" "$here/baseline.c" -lm

echo "== swift build -c release --product pooldesk" >&2
(cd "$root" && swift build -c release --product pooldesk --scratch-path "$root/.build-bench" >&2)
pooldesk="$(cd "$root" && swift build -c release --product pooldesk --scratch-path "$root/.build-bench" --show-bin-path)/pooldesk"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')" >&2
"$workdir/venv/bin/python" "$here/compare.py" --pooldesk "$pooldesk" --baseline "$workdir/baseline" --workdir "$workdir" "$@"
