#!/usr/bin/env python3
"""Writes black_scholes_reference.csv: Black-Scholes prices and raw Greeks at 50 digits (mpmath).

Inputs are doubles; mpmath converts each one exactly, so the table is the true value of the
formula at those inputs, rounded once to the nearest double (repr prints it round-trip exact).
Deterministic: a fixed grid of corner cases plus a seeded random sample over crypto ranges.

    python3 generate_reference.py          # rewrites the CSV next to this script
"""
import csv
import math
import os
import random

import mpmath

mpmath.mp.dps = 50

HOUR = 1.0 / 8760.0
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "black_scholes_reference.csv")


def valuation(kind, spot, strike, t, vol, rate):
    """Price and raw Greeks (delta, gamma, vega per 1.00 vol, theta per year = -dV/dT, rho per 1.00)."""
    S, K, T, sigma, r = (mpmath.mpf(v) for v in (spot, strike, t, vol, rate))
    sqrt_t = mpmath.sqrt(T)
    s = sigma * sqrt_t
    d1 = (mpmath.log(S / K) + (r + sigma * sigma / 2) * T) / s
    d2 = d1 - s
    disc = mpmath.exp(-r * T)
    pdf1 = mpmath.npdf(d1)
    # ncdf is erfc-based in mpmath, so both tails keep full relative precision.
    if kind == "call":
        n1, n2 = mpmath.ncdf(d1), mpmath.ncdf(d2)
        price = S * n1 - K * disc * n2
        delta = n1
        theta = -S * pdf1 * sigma / (2 * sqrt_t) - r * K * disc * n2
        rho = K * T * disc * n2
    else:
        n1, n2 = mpmath.ncdf(-d1), mpmath.ncdf(-d2)
        price = K * disc * n2 - S * n1
        delta = -n1
        theta = -S * pdf1 * sigma / (2 * sqrt_t) + r * K * disc * n2
        rho = -K * T * disc * n2
    gamma = pdf1 / (S * s)
    vega = S * pdf1 * sqrt_t
    return [price, delta, gamma, vega, theta, rho]


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def rows():
    out = []
    # Corner grid: the extremes the kernel must survive (1 minute and 1 hour, deep ITM/OTM, 300% vol).
    for kind in ("call", "put"):
        for spot in (100.0, 30000.0):
            for moneyness in (0.3, 0.8, 1.0, 1.25, 3.0):
                for t in (1.0 / 525600.0, HOUR, 1.0 / 52.0, 0.25, 2.0):
                    for vol in (0.05, 0.8, 3.0):
                        for rate in (0.0, 0.05):
                            out.append((kind, spot, spot * moneyness, t, vol, rate))
    # Random sample over crypto ranges: log-uniform spot, moneyness, expiry and vol.
    rng = random.Random(20240611)
    for _ in range(1400):
        kind = "call" if rng.random() < 0.5 else "put"
        spot = float(repr(round(log_uniform(rng, 100.0, 100000.0), 6)))
        strike = float(repr(round(spot * log_uniform(rng, 0.3, 3.0), 6)))
        t = log_uniform(rng, HOUR, 2.0)
        vol = log_uniform(rng, 0.05, 3.0)
        rate = rng.uniform(0.0, 0.10)
        out.append((kind, spot, strike, t, vol, rate))
    return out


def main():
    with open(OUT, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["type", "spot", "strike", "t", "vol", "rate",
                         "price", "delta", "gamma", "vega", "theta", "rho"])
        for kind, spot, strike, t, vol, rate in rows():
            values = valuation(kind, spot, strike, t, vol, rate)
            writer.writerow([kind] + [repr(float(v)) for v in (spot, strike, t, vol, rate)]
                            + [repr(float(v)) for v in values])


if __name__ == "__main__":
    main()
