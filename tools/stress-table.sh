#!/usr/bin/env bash
# Prints the README's LP stress table (markdown): LP return, max drawdown and P&L attribution of `pooldesk sim`
# for a calm month and three stress scenarios, each with the pool's delta hedging on and off.
#
#   tools/stress-table.sh [--quick]        # --quick: 1/10 of the calm month, for a smoke test
#
# Environment: POOLDESK (binary, default .build/release/pooldesk, built with `swift build -c release` if missing),
# SEED (default 1), BOTS (default 50), EXTRA (more sim flags for every run, e.g. "--config my.toml").
# Needs bash and jq. A run that fails (say, a scenario this build does not have) gets a row saying why; the
# script still prints the others and exits 1 at the end.
#
# The runs (edit RUNS to change them; one per line: label|sim flags):
#   calm 30 days      default simulated market, --duration 30d
#   March 2020        --scenario march-2020 (real BTC/ETH hourly prices around the 2020-03-12 crash)
#   May 2021          --scenario may-2021   (real prices around the 2021-05-19 crash)
#   vol spike         --scenario vol-spike  (implied vol jumps without a price move)
set -euo pipefail

cd "$(dirname "$0")/.."
POOLDESK=${POOLDESK:-.build/release/pooldesk}
SEED=${SEED:-1}
BOTS=${BOTS:-50}
EXTRA=${EXTRA:-}
CALM=30d
if [[ "${1:-}" == "--quick" ]]; then CALM=3d; fi

RUNS=(
  "calm ${CALM}|--duration ${CALM}"
  "March 2020|--scenario march-2020"
  "May 2021|--scenario may-2021"
  "vol spike|--scenario vol-spike"
)

command -v jq >/dev/null || { echo "stress-table: needs jq" >&2; exit 2; }
if [[ ! -x "$POOLDESK" ]]; then
  echo "stress-table: building $POOLDESK (swift build -c release)…" >&2
  swift build -c release --product pooldesk >&2
fi

# USD amounts as whole dollars with thousands separators; percentages with 2 decimals.
JQ_ROW='
  def grouped: if length <= 3 then . else (.[:-3] | grouped) + "," + .[-3:] end;
  def usd: (round) as $v | ($v | fabs | tostring | grouped) as $t | (if $v < 0 then "-" + $t else $t end);
  def pct: (. * 10000 | round / 100 | tostring) + "%";
  .report as $r
  | [ ($r.lp.totalReturn | pct), ($r.lp.maxDrawdown | pct), ($r.lp.volatility | pct),
      ($r.attribution.tradingFees | usd), ($r.attribution.withdrawalFees | usd), ($r.attribution.options | usd), ($r.attribution.hedge | usd),
      ($r.attribution.penalties | usd), (-$r.attribution.reserve | usd),
      ($r.attribution.navChangeExcludingFlows | usd),
      (if $r.attribution.exact then "exact" else "off by \($r.attribution.residualMicros) µUSD" end),
      ($r.insolvency.amount | usd), ($r.halts.count | tostring) ]
  | join(" | ")'

echo "| run | hedging | LP return | max drawdown | share-price vol (ann.) | trading fees | withdrawal fees | options | hedge | liq. penalties | reserve | NAV change ex flows | identity | insolvency | halts |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
failed=0
for run in "${RUNS[@]}"; do
  label=${run%%|*}
  flags=${run#*|}
  for hedging in on off; do
    # shellcheck disable=SC2086 # flags are words on purpose
    if output=$("$POOLDESK" sim --seed "$SEED" --bots "$BOTS" --hedging "$hedging" $flags $EXTRA --json 2>&1); then
      echo "| $label | $hedging | $(jq -r "$JQ_ROW" <<<"$output") |"
    else
      failed=1
      reason=$(tail -n 1 <<<"$output" | tr '|' '/')
      echo "| $label | $hedging | not run: ${reason} | | | | | | | | | | | | |"
    fi
  done
done
echo
echo "seed $SEED · $BOTS bots · \`pooldesk sim --seed $SEED --bots $BOTS --hedging on|off FLAGS --json\` · $(date -u +%Y-%m-%d)"
exit $failed
