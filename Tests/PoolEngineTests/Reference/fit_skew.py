#!/usr/bin/env python3
"""Fits the pool's default strike-skew curve to a real Deribit BTC smile (least squares).

Data: deribit_btc_chain_2026-03-01.csv next to this script, an excerpt (columns selected, rows as published) of
github.com/tessicin/volatility `deribit_options.csv` @f4dc0df: Deribit BTC options, late February / early March
2026, spot about 66,743. The file has no snapshot time; Black-76 inversion of its mark prices at its mark IVs gives
2026-03-01 14:00 UTC (±1 h) for every expiry, which is used here (expiries are 08:00 UTC, years of 365 days).

The pool quotes a strike at  base IV x skew(m),  m = ln(K / S) / (base IV x sqrt(T))  (standardized moneyness,
rate 0 so the forward is the spot), with

    skew(m) = 1 + linear * m + quadratic * m^2

Points: out-of-the-money options only (puts below the forward, calls at or above it), with a bid (bid_iv > 0);
the market IV of a point is the mid of bid and ask IV. Unknowns: one ATM level per expiry (the pool's base IV,
which the pool sets by itself) and the two shape coefficients shared by all expiries. Least squares on IV in vol
points, solved by Gauss-Newton (numpy only).

    python3 fit_skew.py        # prints the coefficients, the RMS error and the README table
"""
import csv
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT = 1772373600  # 2026-03-01 14:00 UTC, see above
YEAR = 365 * 86400


def load(path=os.path.join(HERE, "deribit_btc_chain_2026-03-01.csv")):
    points = []
    for row in csv.DictReader(open(path)):
        bid, ask = float(row["bid_iv"]), float(row["ask_iv"])
        if bid <= 0:
            continue
        forward, strike = float(row["underlying_price"]), float(row["strike"])
        out_of_the_money = (row["type"] == "put" and strike < forward) or (row["type"] == "call" and strike >= forward)
        if not out_of_the_money:
            continue
        years = (int(row["expiration_timestamp"]) / 1000 - SNAPSHOT) / YEAR
        points.append(dict(name=row["instrument_name"], expiry=row["expiration_timestamp"], years=years,
                           k=math.log(strike / forward), iv=(bid + ask) / 200))
    return points


def model(params, points, expiries, degree):
    levels = params[:len(expiries)]
    shape = params[len(expiries):]
    out = []
    for p in points:
        level = levels[expiries.index(p["expiry"])]
        m = p["k"] / (level * math.sqrt(p["years"]))
        skew = 1 + sum(c * m ** (i + 1) for i, c in enumerate(shape))
        out.append(level * skew)
    return np.array(out)


def fit(points, degree=2):
    expiries = sorted({p["expiry"] for p in points})
    target = np.array([p["iv"] for p in points])
    params = np.array([0.5] * len(expiries) + [0.0] * degree)
    for _ in range(100):
        residual = model(params, points, expiries, degree) - target
        jacobian = np.empty((len(points), len(params)))
        for j in range(len(params)):
            step = np.zeros(len(params))
            step[j] = 1e-7
            jacobian[:, j] = (model(params + step, points, expiries, degree) - model(params - step, points, expiries, degree)) / 2e-7
        delta, *_ = np.linalg.lstsq(jacobian, -residual, rcond=None)
        params = params + delta
        if np.max(np.abs(delta)) < 1e-12:
            break
    residual = model(params, points, expiries, degree) - target
    return params, expiries, residual


def main():
    points = load()
    for degree in (2, 3):
        params, expiries, residual = fit(points, degree)
        rms = math.sqrt(np.mean(residual ** 2))
        print(f"degree {degree}: shape {params[len(expiries):].round(4).tolist()}, RMS {rms * 100:.2f} vol points, "
              f"max {np.max(np.abs(residual)) * 100:.2f}, {len(points)} points")
    params, expiries, residual = fit(points, 2)
    linear, quadratic = params[len(expiries):]
    print(f"\nfitted: linear {linear:.4f}, quadratic {quadratic:.4f}")
    legacy = np.array([0.5] * len(expiries))
    # The legacy curve at the fitted ATM levels, for comparison.
    old = []
    for p in points:
        level = params[expiries.index(p["expiry"])]
        m = p["k"] / (level * math.sqrt(p["years"]))
        old.append(level * (1 + 0.035 * m * m - 0.03 * m) - p["iv"])
    print(f"legacy curve at the same ATM levels: RMS {math.sqrt(np.mean(np.array(old) ** 2)) * 100:.2f} vol points")
    print("\n| expiry | days | strike | m | Deribit mid IV | pool IV | error |")
    print("|---|---|---|---|---|---|---|")
    for p, r in zip(points, residual):
        print(f"| {p['name'][4:11]} | {p['years'] * 365:.0f} | {p['name'].split('-')[2]} {p['name'][-1]} | "
              f"{p['k'] / (params[expiries.index(p['expiry'])] * math.sqrt(p['years'])):+.2f} | {p['iv'] * 100:.1f} | "
              f"{(p['iv'] + r) * 100:.1f} | {r * 100:+.1f} |")
    print("\nATM levels:", {e: round(params[i], 4) for i, e in enumerate(expiries)})


if __name__ == "__main__":
    sys.exit(main())
