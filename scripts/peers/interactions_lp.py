#!/usr/bin/env python3
"""Exact optimum of the AND-OR decomposition (a linear program) for games a study wrote.

The decomposition minimises sum|I_and| + sum|I_or| over p and over |q| <= 0.04 |v(N) - v(empty)|
(Li & Zhang, ICML 2023; Ren et al., ICLR 2024). This script solves that LP with SciPy's HiGHS for
the games in a report's games.csv and prints, per game, the study's final loss, the LP optimum,
their ratio, and the salient counts (|I| > 0.05 max |I|, OR terms of order <= 1 merged into AND)
of the study's games' plain Harsanyi dividends and of the LP optimum.

    python3 scripts/peers/interactions_lp.py REPORT_DIR/games.csv [--samples 0,1,2] [--layers output,conv2] [--method highs-ds]

A peer check only: neither CI nor the Java code needs SciPy. Solving one 10-player game takes
minutes (HiGHS on 4 x 1024 rows and 4 x 1024 columns).
"""
import argparse
import csv
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog


def subset(a):
    """Harsanyi dividends: a[S] = sum_{T subset S} (-1)^{|S|-|T|} a[T], by butterflies."""
    a = a.copy()
    h = 1
    while h < a.size:
        b = a.reshape(-1, 2, h)
        b[:, 1, :] -= b[:, 0, :]
        h *= 2
    return a


def or_transform(v):
    """I_or(S) = -sum_{T subset S} (-1)^{|S|-|T|} v(N minus T), S nonempty; I_or(empty) = v(empty)."""
    o = -subset(v[::-1].copy())
    o[0] = v[0]
    return o


def dense(f, size):
    return np.stack([f(np.eye(size)[i]) for i in range(size)], 1)


def solve(v, q_bound=0.04, method="highs"):
    size = v.size
    bound = q_bound * abs(v[-1] - v[0])
    d = sp.csr_matrix(dense(subset, size))
    m = sp.csr_matrix(dense(or_transform, size))
    eye = sp.identity(size, format="csr")
    zero = sp.csr_matrix((size, size))
    ca, co = d @ (0.5 * v), m @ (0.5 * v)
    # variables p, q, u, w: +-(D p + D q / 2) - u <= -+ca, +-(-M p + M q / 2) - w <= -+co
    a = sp.vstack([sp.hstack([d, 0.5 * d, -eye, zero]), sp.hstack([-d, -0.5 * d, -eye, zero]),
                   sp.hstack([-m, 0.5 * m, zero, -eye]), sp.hstack([m, -0.5 * m, zero, -eye])]).tocsr()
    b = np.concatenate([-ca, ca, -co, co])
    c = np.concatenate([np.zeros(2 * size), np.ones(2 * size)])
    bounds = [(None, None)] * size + [(-bound, bound)] * size + [(0, None)] * (2 * size)
    r = linprog(c, A_ub=a, b_ub=b, bounds=bounds, method=method)
    if r.status != 0:
        raise SystemExit("LP failed: " + r.message)
    p, q = r.x[:size], r.x[size:2 * size]
    return r.fun, subset(0.5 * (v + q) + p), or_transform(0.5 * (v + q) - p)


def salient(i_and, i_or, fraction=0.05):
    i_and, i_or = i_and.copy(), i_or.copy()
    low = np.array([bin(s).count("1") <= 1 for s in range(i_and.size)])
    i_and[low] += i_or[low]
    i_or[low] = 0
    x = np.abs(np.concatenate([i_and, i_or]))
    return int((x > fraction * x.max()).sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("games")
    ap.add_argument("--samples", default="0")
    ap.add_argument("--layers", default=None)
    ap.add_argument("--method", default="highs")
    args = ap.parse_args()
    games, losses = {}, {}
    with open(args.games) as f:
        for row in csv.DictReader(f):
            key = (int(row["sample"]), row["layer"])
            games.setdefault(key, []).append(float(row["value"]))
            if row["final_loss"]:
                losses[key] = float(row["final_loss"])
    samples = [int(s) for s in args.samples.split(",")]
    layers = args.layers.split(",") if args.layers else None
    print("sample,layer,study_loss,lp_optimum,ratio,salient_harsanyi,salient_lp,seconds")
    for (s, layer), values in games.items():
        if s not in samples or (layers and layer not in layers):
            continue
        v = np.array(values)
        t = time.time()
        opt, i_and, i_or = solve(v, method=args.method)
        h = subset(v)
        print(f"{s},{layer},{losses[(s, layer)]:.4f},{opt:.4f},{losses[(s, layer)] / opt:.3f},"
              f"{salient(h, np.zeros_like(h))},{salient(i_and, i_or)},{time.time() - t:.0f}", flush=True)


if __name__ == "__main__":
    main()
