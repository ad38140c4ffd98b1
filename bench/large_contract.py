#!/usr/bin/env python3
"""Writes a contract with N clauses (default 1000) for the check-time benchmark.

Each clause has a realistic shape: a deployment threshold, a price condition over trading
days, a deadline, a citation, and a prerequisite on the clause before it.
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
print('contract "Check-time benchmark"')
print('  timezone "America/New_York"')
print('  calendar NYSE')
print('  effective 2025-10-06')
print('event deployment { vendor: text, mw: MW }')
print('event close { symbol: text, px: USD }')
print('metric deployed = sum deployment.mw where vendor == "AMD"')
print('metric close_px = latest close.px where symbol == "AMD"')
for k in range(1, n + 1):
    print(f'tranche T{k} "Tranche {k}"')
    print(f'  cites "§ {k}"')
    print(f'  grants {1000 + k} shares')
    print(f'  vests when deployed >= {k * 10} MW')
    print(f'         and close_px >= {100 + k % 500} USD on at least 20 of the last 30 trading days')
    print('  lapses if not vested by 2030-10-06')
    if k > 1:
        print(f'  after T{k - 1}')
