#!/usr/bin/env python3
"""PoolDesk against the reference libraries, on one option set, in one run (driven by compare.sh).

Runs the same options through PoolDesk (`pooldesk bench-compare`), a plain scalar C Black-Scholes
compiled with -O2 (the hardware baseline), QuantLib (BlackCalculator; blackFormulaImpliedStdDev)
and py_vollib (analytical Greeks; implied_volatility, which is Jäckel's "Let's be rational"), plus
py_vollib_vectorized when it installed. Prints options per second per library and kernel, the
ratio to PoolDesk, the largest price and Greek differences against PoolDesk, and implied-vol
failures: explicit (an exception, an error result or NaN) and silent (a number returned for an
option whose price does pin the volatility down, yet more than 0.1% + 0.0001 away from the
volatility that produced the price).

Units: everything is compared in raw units, PoolDesk's `--raw`: delta, gamma per 1.00 of spot,
vega and rho per 1.00 (not per 1%), theta = -dV/dT per year. py_vollib returns vega and rho per
1% and theta per day, so they are multiplied by 100, 100 and 365. QuantLib's BlackCalculator is
built from forward F = S·e^(rT), discount e^(-rT) and stdDev σ√T; vega(T), rho(T) are per 1.00
and theta(S, T) is per year with PoolDesk's sign, so no conversion. The implied-vol targets are
PoolDesk's own prices of the options, the same numbers for every library.
"""

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import time
import warnings

import numpy as np

COLUMNS = ["price", "delta", "gamma", "vega", "theta", "rho"]


def generate(path, count, seed):
    """Options over spot 100–100,000, moneyness K/S 0.3–3, expiry 1 hour–2 years, vol 5–300%, rate 0–10%."""
    rng = random.Random(seed)

    def log_uniform(low, high):
        return low * math.exp(math.log(high / low) * rng.random())

    with open(path, "w") as out:
        out.write("type,spot,strike,t,vol,rate\n")
        for _ in range(count):
            kind = "call" if rng.random() < 0.5 else "put"
            spot = log_uniform(100, 100_000)
            strike = spot * log_uniform(0.3, 3)
            years = log_uniform(1 / 8760, 2)
            vol = log_uniform(0.05, 3)
            rate = 0.1 * rng.random()
            out.write(f"{kind},{spot!r},{strike!r},{years!r},{vol!r},{rate!r}\n")


def load_options(path):
    with open(path) as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [(kind == "call", float(s), float(k), float(t), float(v), float(r)) for kind, s, k, t, v, r in reader]
    return rows


def load_columns(path, names):
    with open(path) as handle:
        reader = csv.DictReader(handle)
        data = {name: [] for name in names}
        extra = []
        for row in reader:
            for name in names:
                text = row[name]
                data[name].append(float(text) if text != "" else math.nan)
            extra.append(row)
    return {name: np.array(values) for name, values in data.items()}, extra


def best_of(repetitions, body):
    best, result = math.inf, None
    for _ in range(repetitions):
        start = time.perf_counter()
        result = body()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_json(command):
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# The libraries. Each pricing function returns six lists in raw units; each IV function returns
# a list of volatilities with None for an explicit failure.


def quantlib_price(ql, rows):
    call, put = ql.Option.Call, ql.Option.Put
    out = [[0.0] * len(rows) for _ in COLUMNS]
    price, delta, gamma, vega, theta, rho = out
    for i, (is_call, s, k, t, v, r) in enumerate(rows):
        discount = math.exp(-r * t)
        calc = ql.BlackCalculator(ql.PlainVanillaPayoff(call if is_call else put, k), s / discount, v * math.sqrt(t), discount)
        price[i] = calc.value()
        delta[i] = calc.delta(s)
        gamma[i] = calc.gamma(s)
        vega[i] = calc.vega(t)
        theta[i] = calc.theta(s, t)
        rho[i] = calc.rho(t)
    return out


def quantlib_iv(ql, rows, targets, accuracy):
    call, put = ql.Option.Call, ql.Option.Put
    out = [None] * len(rows)
    for i, (is_call, s, k, t, _, r) in enumerate(rows):
        discount = math.exp(-r * t)
        try:
            std_dev = ql.blackFormulaImpliedStdDev(call if is_call else put, k, s / discount, targets[i], discount, 0.0,
                                                   ql.nullDouble(), accuracy, 100)
            out[i] = std_dev / math.sqrt(t)
        except RuntimeError:
            out[i] = None
    return out


def vollib_price(vollib, rows):
    black_scholes, greeks = vollib
    out = [[0.0] * len(rows) for _ in COLUMNS]
    price, delta, gamma, vega, theta, rho = out
    for i, (is_call, s, k, t, v, r) in enumerate(rows):
        flag = "c" if is_call else "p"
        price[i] = black_scholes(flag, s, k, t, r, v)
        delta[i] = greeks.delta(flag, s, k, t, r, v)
        gamma[i] = greeks.gamma(flag, s, k, t, r, v)
        vega[i] = greeks.vega(flag, s, k, t, r, v) * 100      # per 1% → per 1.00
        theta[i] = greeks.theta(flag, s, k, t, r, v) * 365    # per day → per year
        rho[i] = greeks.rho(flag, s, k, t, r, v) * 100        # per 1% → per 1.00
    return out


def vollib_iv(implied_volatility, rows, targets):
    out = [None] * len(rows)
    for i, (is_call, s, k, t, _, r) in enumerate(rows):
        try:
            value = implied_volatility(targets[i], s, k, t, r, "c" if is_call else "p")
            out[i] = None if value is None or not math.isfinite(value) else float(value)
        except Exception:   # PriceIsBelowIntrinsic, PriceIsAboveMaximum, anything else: explicit
            out[i] = None
    return out


def vectorized_price(pvv, arrays):
    flags, s, k, t, v, r = arrays
    price = pvv.vectorized_black_scholes(flags, s, k, t, r, v, return_as="numpy")
    greeks = pvv.get_all_greeks(flags, s, k, t, r, v, model="black_scholes", return_as="dict")
    return [np.asarray(price, dtype=float), np.asarray(greeks["delta"], dtype=float),
            np.asarray(greeks["gamma"], dtype=float), np.asarray(greeks["vega"], dtype=float) * 100,
            np.asarray(greeks["theta"], dtype=float) * 365, np.asarray(greeks["rho"], dtype=float) * 100]


def vectorized_iv(pvv, arrays, targets):
    flags, s, k, t, _, r = arrays
    values = pvv.vectorized_implied_volatility(targets, s, k, t, r, flags, q=0, model="black_scholes",
                                               return_as="numpy", on_error="ignore")
    return [float(x) if math.isfinite(x) else None for x in np.asarray(values, dtype=float)]


# ---------------------------------------------------------------------------------------------


def differences(values, reference, spots):
    """Per column: largest |a − b| and largest |a − b| / max(|b|, 1e-8 × scale), scale S, 1 or 1/S."""
    result = {}
    scales = {"price": spots, "delta": np.ones_like(spots), "gamma": 1 / spots,
              "vega": spots, "theta": spots, "rho": spots}
    for index, name in enumerate(COLUMNS):
        a = np.asarray(values[index], dtype=float)
        b = reference[name]
        gap = np.abs(a - b)
        rel = gap / np.maximum(np.abs(b), 1e-8 * scales[name])
        worst = int(np.nanargmax(rel)) if len(rel) else 0
        result[name] = {"maxAbs": float(np.nanmax(gap)), "maxRel": float(np.nanmax(rel)), "worstIndex": worst,
                        "nonFinite": int(np.count_nonzero(~np.isfinite(a)))}
    return result


def iv_quality(values, truth, informative):
    """Explicit failures, silent failures (on informative options) and the largest error where it succeeded."""
    solved = np.array([math.nan if x is None else x for x in values])
    explicit = int(np.count_nonzero(np.isnan(solved)))
    ok = ~np.isnan(solved)
    error = np.abs(solved - truth)
    wrong = ok & informative & (error > 1e-3 * truth + 1e-4)
    good = ok & informative & ~wrong
    return {"explicit": explicit, "silent": int(np.count_nonzero(wrong)),
            "explicitOnInformative": int(np.count_nonzero(~ok & informative)),
            "maxVolError": float(np.max(error[good])) if np.any(good) else math.nan}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pooldesk", required=True)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--options", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repetitions", type=int, default=5, help="timed passes for PoolDesk and C (best kept)")
    parser.add_argument("--python-repetitions", type=int, default=1, help="timed passes for the Python libraries")
    parser.add_argument("--json", help="also write every figure here")
    args = parser.parse_args()

    options_csv = os.path.join(args.workdir, "options.csv")
    generate(options_csv, args.options, args.seed)
    rows = load_options(options_csv)
    n = len(rows)
    spots = np.array([row[1] for row in rows])
    truth = np.array([row[4] for row in rows])
    print(f"{n} options (seed {args.seed}): spot 100–100,000, K/S 0.3–3, expiry 1 h–2 y, vol 5–300%, rate 0–10%, calls and puts")

    timings = {}   # (library, kernel) -> ns per option
    # PoolDesk ---------------------------------------------------------------------------------
    pd_values_csv = os.path.join(args.workdir, "pooldesk.csv")
    pd = run_json([args.pooldesk, "bench-compare", "--csv", options_csv, "--values", pd_values_csv,
                   "--repetitions", str(args.repetitions)])
    timings[("PoolDesk", "scalar")] = pd["scalarNsPerOption"]
    timings[("PoolDesk", "batch")] = pd["batchNsPerOption"]
    timings[("PoolDesk", "iv")] = pd["impliedVolNsPerSolve"]
    reference, pd_rows = load_columns(pd_values_csv, COLUMNS + ["iv"])
    targets = reference["price"].tolist()
    pd_iv = [None if row["iv"] == "" else float(row["iv"]) for row in pd_rows]
    # An option "pins" its volatility when its time value is at least 1e-12 of spot (below that it
    # is economically zero) and a 0.1% vol change moves its price by more than 1e-12 of itself
    # (10,000 times double rounding); elsewhere many volatilities give the same double price.
    intrinsic = np.array([max((s - k * math.exp(-r * t)) * (1 if c else -1), 0.0) for c, s, k, t, _, r in rows])
    informative = ((reference["price"] - intrinsic > 1e-12 * spots)
                   & (reference["vega"] * truth * 1e-3 > 1e-12 * reference["price"]))

    # C baseline --------------------------------------------------------------------------------
    c_values_csv = os.path.join(args.workdir, "baseline.csv")
    c = run_json([args.baseline, options_csv, "--values", c_values_csv, "--repetitions", str(args.repetitions)])
    timings[("C -O2 baseline", "scalar")] = c["nsPerOption"]
    c_columns, _ = load_columns(c_values_csv, COLUMNS)
    results = {"C -O2 baseline": [c_columns[name] for name in COLUMNS]}
    iv_results = {"PoolDesk": pd_iv}

    # QuantLib ----------------------------------------------------------------------------------
    missing = []
    try:
        import QuantLib as ql
        seconds, values = best_of(args.python_repetitions, lambda: quantlib_price(ql, rows))
        timings[("QuantLib " + ql.__version__, "scalar")] = seconds * 1e9 / n
        results["QuantLib " + ql.__version__] = values
        seconds, values = best_of(args.python_repetitions, lambda: quantlib_iv(ql, rows, targets, 1e-6))
        timings[("QuantLib " + ql.__version__, "iv")] = seconds * 1e9 / n
        iv_results["QuantLib " + ql.__version__] = values
        seconds, values = best_of(args.python_repetitions, lambda: quantlib_iv(ql, rows, targets, 1e-12))
        timings[("QuantLib, accuracy 1e-12", "iv")] = seconds * 1e9 / n
        iv_results["QuantLib, accuracy 1e-12"] = values
    except ImportError as error:
        missing.append(f"QuantLib: {error}")

    # py_vollib ---------------------------------------------------------------------------------
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from py_vollib.black_scholes import black_scholes
            from py_vollib.black_scholes.greeks import analytical
            from py_vollib.black_scholes.implied_volatility import implied_volatility
        import importlib.metadata as metadata
        name = "py_vollib " + metadata.version("py_vollib")
        seconds, values = best_of(args.python_repetitions, lambda: vollib_price((black_scholes, analytical), rows))
        timings[(name, "scalar")] = seconds * 1e9 / n
        results[name] = values
        seconds, values = best_of(args.python_repetitions, lambda: vollib_iv(implied_volatility, rows, targets))
        timings[(name, "iv")] = seconds * 1e9 / n
        iv_results[name] = values
    except ImportError as error:
        missing.append(f"py_vollib: {error}")

    # py_vollib_vectorized (numba), when it installed -------------------------------------------
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import py_vollib_vectorized as pvv
        arrays = (np.array(["c" if row[0] else "p" for row in rows]), spots, np.array([row[2] for row in rows]),
                  np.array([row[3] for row in rows]), truth, np.array([row[5] for row in rows]))
        target_array = np.array(targets)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vectorized_price(pvv, tuple(a[:1000] for a in arrays))     # JIT compilation outside the timing
            vectorized_iv(pvv, tuple(a[:1000] for a in arrays), target_array[:1000])
            seconds, values = best_of(max(args.python_repetitions, 3), lambda: vectorized_price(pvv, arrays))
            timings[("py_vollib_vectorized", "batch")] = seconds * 1e9 / n
            results["py_vollib_vectorized"] = values
            seconds, values = best_of(max(args.python_repetitions, 3), lambda: vectorized_iv(pvv, arrays, target_array))
            timings[("py_vollib_vectorized", "iv")] = seconds * 1e9 / n
            iv_results["py_vollib_vectorized"] = values
    except ImportError as error:
        missing.append(f"py_vollib_vectorized: {error}")
    except Exception as error:   # installed but broken against this numpy/pandas: say so, do not fake it
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        missing.append(f"py_vollib_vectorized: installed but failed to run: {type(error).__name__}: {first_line}")

    # Python's own floor: one loop iteration plus one trivial call per option.
    floor_seconds, _ = best_of(3, lambda: [abs(row[1]) for row in rows])
    timings[("(Python loop, one call)", "floor")] = floor_seconds * 1e9 / n

    # Report ------------------------------------------------------------------------------------
    pd_scalar, pd_batch, pd_iv_ns = timings[("PoolDesk", "scalar")], timings[("PoolDesk", "batch")], timings[("PoolDesk", "iv")]
    print()
    print("Speed (best of passes; ratio = that library's ns/option ÷ PoolDesk's, so > 1 means PoolDesk is faster)")
    print(f"{'library':28} {'kernel':24} {'options/s':>14} {'ns/option':>11} {'vs PD scalar':>13} {'vs PD batch':>12}")
    kernel_names = {"scalar": "price + 5 Greeks", "batch": "price + 5 Greeks, batch", "iv": "implied vol",
                    "floor": "(no pricing)"}
    for (library, kernel), ns in timings.items():
        if kernel == "iv":
            continue
        print(f"{library:28} {kernel_names[kernel]:24} {1e9 / ns:14,.0f} {ns:11.1f} {ns / pd_scalar:13.2f} {ns / pd_batch:12.2f}")
    print(f"{'library':28} {'kernel':24} {'solves/s':>14} {'ns/solve':>11} {'vs PD IV':>13}")
    for (library, kernel), ns in timings.items():
        if kernel == "iv":
            print(f"{library:28} {kernel_names[kernel]:24} {1e9 / ns:14,.0f} {ns:11.1f} {ns / pd_iv_ns:13.2f}")
    print(f"PoolDesk scalar and batch results identical: {pd['scalarMatchesBatch']}")

    print()
    print("Largest differences against PoolDesk (raw units; rel = |diff| / max(|PoolDesk|, 1e-8 × S, 1 or 1/S))")
    diffs = {}
    for library, values in results.items():
        diffs[library] = differences(values, reference, spots)
        print(f"  {library}")
        for name in COLUMNS:
            d = diffs[library][name]
            extra = f"   non-finite: {d['nonFinite']}" if d["nonFinite"] else ""
            print(f"    {name:6} max abs {d['maxAbs']:10.3e}   max rel {d['maxRel']:10.3e}   (worst: options.csv line {d['worstIndex'] + 2}){extra}")

    print()
    print(f"Implied vol on PoolDesk's prices: {int(np.count_nonzero(informative))} of {n} options pin their vol down "
          f"(time value > 1e-12 × S and a 0.1% vol change moves the price by > 1e-12 of it); the rest are "
          f"intrinsic value or ~0 to double precision.")
    print(f"{'library':28} {'explicit failures':>18} {'…on informative':>16} {'silent failures':>16} {'max |σ − σ_true|':>18}")
    quality = {}
    for library, values in iv_results.items():
        q = iv_quality(values, truth, informative)
        quality[library] = q
        print(f"{library:28} {q['explicit']:18d} {q['explicitOnInformative']:16d} {q['silent']:16d} {q['maxVolError']:18.3e}")
    pd_reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(pd["impliedVolFailures"].items())) or "none"
    print(f"PoolDesk's explicit no-solution results by reason: {pd_reasons}")
    for note in missing:
        print(f"not measured — {note}")

    if args.json:
        with open(args.json, "w") as out:
            json.dump({"options": n, "timingsNs": {f"{lib}|{kernel}": ns for (lib, kernel), ns in timings.items()},
                       "differences": diffs, "impliedVol": quality, "pooldesk": pd, "missing": missing}, out, indent=1)


if __name__ == "__main__":
    sys.exit(main())
