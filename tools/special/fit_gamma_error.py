"""Computes every coefficient table of cpp/include/opkit/special/gamma_error.h.

Everything is derived from mpmath (60 significant digits):

* rational approximations P(u)/Q(u), Q(0) = 1, fitted by linearised weighted
  least squares (Sanathanan-Koerner iteration) on Chebyshev-distributed points,
  minimising the *relative* error.  Each variable u is 0 at the end of its
  interval nearest the function's singularities, which the rational then
  mimics with poles at u < 0: all fitted coefficients come out positive, and
  Horner evaluation for u >= 0 has no cancellation;
* Bernoulli-number series (exact rationals) for Spence's function.

For every rational the script reports the maximum relative error of P/Q with
the coefficients *rounded to double* (evaluated in mpmath on a dense grid), and
the minimum of Q on the interval (Q > 0 means no pole).

    python tools/special/fit_gamma_error.py           # print the C++ tables
    python tools/special/fit_gamma_error.py --check   # compare with the header

Takes about a minute.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mpmath as mp

mp.mp.dps = 60
Func = Callable[[mp.mpf], mp.mpf]

HEADER = Path(__file__).resolve().parents[2] / "cpp/include/opkit/special/gamma_error.h"


@dataclass
class Rational:
    p: list[mp.mpf]
    q: list[mp.mpf]
    max_rel_error: float
    min_q: float


def _polyval(c: list[mp.mpf], u: mp.mpf) -> mp.mpf:
    s = mp.mpf(0)
    for a in reversed(c):
        s = s * u + a
    return s


def fit_rational(f: Func, lo: float, hi: float, m: int, n: int, iters: int = 8) -> Rational:
    """Relative-error least-squares fit of f(u) on [lo, hi] by P_m(u) / Q_n(u), Q(0) = 1."""
    a, b = mp.mpf(lo), mp.mpf(hi)
    npts = 40 * (m + n + 2)
    us = [(a + b) / 2 + (b - a) / 2 * mp.cos(mp.pi * (2 * i + 1) / (2 * npts)) for i in range(npts)]
    fs = [f(u) for u in us]
    k = m + 1 + n
    qprev = [mp.mpf(1)] * npts
    p: list[mp.mpf] = []
    q: list[mp.mpf] = []
    for _ in range(iters):
        # Normal equations of  min sum ((P(u_i) - f_i Q(u_i)) / (f_i Qprev(u_i)))^2.
        ata = mp.zeros(k, k)
        atb = mp.zeros(k, 1)
        for u, fu, qp in zip(us, fs, qprev, strict=True):
            s = 1 / (abs(fu) * qp)
            row = [s * u**j for j in range(m + 1)] + [-s * fu * u**j for j in range(1, n + 1)]
            rhs = s * fu
            for r in range(k):
                atb[r] += row[r] * rhs
                for c in range(r, k):
                    ata[r, c] += row[r] * row[c]
        for r in range(k):
            for c in range(r):
                ata[r, c] = ata[c, r]
        sol = mp.lu_solve(ata, atb)
        p = [sol[j] for j in range(m + 1)]
        q = [mp.mpf(1)] + [sol[m + 1 + j] for j in range(n)]
        qprev = [_polyval(q, u) for u in us]
    # Error of the double-rounded coefficients on a dense grid.
    pd = [mp.mpf(float(c)) for c in p]
    qd = [mp.mpf(float(c)) for c in q]
    worst = mp.mpf(0)
    min_q = mp.inf
    for i in range(2001):
        u = a + (b - a) * i / 2000
        qu = _polyval(qd, u)
        min_q = min(min_q, qu)
        worst = max(worst, abs(_polyval(pd, u) / qu / f(u) - 1))
    return Rational(p, q, float(worst), float(min_q))


# ----------------------------------------------------------------------------
# Inverse error function.


def erfinv_over_x(u: mp.mpf) -> mp.mpf:
    """erfinv(x) / x as a function of u = 0.7225 - x^2."""
    z = mp.mpf("0.7225") - u
    if z <= 0:
        return mp.sqrt(mp.pi) / 2
    x = mp.sqrt(z)
    return mp.erfinv(x) / x


def erfcinv_of_s(s: mp.mpf) -> mp.mpf:
    """erfcinv(q) for q = exp(-s^2): Newton's method on log(erfc(y)) = -s^2."""
    y = s
    for _ in range(200):
        step = (mp.log(mp.erfc(y)) + s * s) / (-2 / mp.sqrt(mp.pi) * mp.exp(-y * y) / mp.erfc(y))
        y -= step
        if abs(step) < mp.mpf(10) ** (-55) * abs(y):
            return y
    raise RuntimeError("Newton's method did not converge")


def tail1(u: mp.mpf) -> mp.mpf:  # u = (s - 1.375) / 4
    return erfcinv_of_s(mp.mpf("1.375") + 4 * u)


def tail2(u: mp.mpf) -> mp.mpf:  # u = (s - 5) / 32
    return erfcinv_of_s(5 + 32 * u)


# ----------------------------------------------------------------------------
# Digamma.

DIGAMMA_ROOT = mp.findroot(mp.digamma, mp.mpf("1.4616321449683623"))


def digamma_h(x: mp.mpf) -> mp.mpf:
    """x psi(x) / (x - x0): analytic on (-1, inf), H(0) = 1 / x0."""
    if x == 0:
        return 1 / DIGAMMA_ROOT
    if abs(x - DIGAMMA_ROOT) < mp.mpf(10) ** (-40):
        return DIGAMMA_ROOT * mp.polygamma(1, DIGAMMA_ROOT)
    return x * mp.digamma(x) / (x - DIGAMMA_ROOT)


def digamma_a(z: mp.mpf) -> mp.mpf:
    """(log x - 1/(2x) - psi(x)) x^2 as a function of z = 1/x^2; A(0) = 1/12."""
    if z == 0:
        return mp.mpf(1) / 12
    x = 1 / mp.sqrt(z)
    return (mp.log(x) - 1 / (2 * x) - mp.digamma(x)) * x * x


# ----------------------------------------------------------------------------
# Spence: Li2(1 - e^-u) = sum_n B_n u^(n+1) / (n+1)! = u - u^2/4 + u^3 P(u^2).


def spence_series(terms: int) -> list[mp.mpf]:
    return [mp.bernoulli(2 * k) / mp.factorial(2 * k + 1) for k in range(1, terms + 1)]


def spence_truncation(terms: int) -> float:
    """Relative size of the first omitted term at |u| = log 2 (the largest |u| used)."""
    u = mp.log(2)
    k = terms + 1
    term = abs(mp.bernoulli(2 * k) / mp.factorial(2 * k + 1)) * u ** (2 * k + 1)
    return float(term / (u - u * u / 4))


# ----------------------------------------------------------------------------


def cpp_array(name: str, values: list[mp.mpf]) -> str:
    body = ",\n".join(f"    {float(v)!r}" for v in values)
    return f"constexpr double {name}[] = {{\n{body}}};"


def tables() -> tuple[list[str], list[str]]:
    out: list[str] = []
    log: list[str] = []

    def rational(name: str, f: Func, lo: float, hi: float, m: int, n: int) -> None:
        r = fit_rational(f, lo, hi, m, n)
        log.append(f"{name}: degree {m}/{n} on [{lo}, {hi}]: max rel error {r.max_rel_error:.3g}")
        log.append(f"    min Q {r.min_q:.3g}, coefficients all positive: ")
        log[-1] += str(all(c > 0 for c in r.p + r.q))
        out.append(cpp_array(f"k{name}P", r.p))
        out.append(cpp_array(f"k{name}Q", r.q))

    rational("ErfinvCentral", erfinv_over_x, 0.0, 0.7225, 8, 8)
    rational("ErfcinvTail1", tail1, 0.0, (5 - 1.375) / 4, 8, 8)
    rational("ErfcinvTail2", tail2, 0.0, (27.3 - 5) / 32, 8, 8)
    rational("DigammaSmall", digamma_h, 0.0, 2.0, 7, 7)
    rational("DigammaLarge", digamma_a, 0.0, 0.25, 5, 5)

    root_hi = float(DIGAMMA_ROOT)
    root_lo = float(DIGAMMA_ROOT - mp.mpf(root_hi))
    out.append(f"constexpr double kDigammaRootHi = {root_hi!r};")
    out.append(f"constexpr double kDigammaRootLo = {root_lo!r};")

    terms = 8
    out.append(cpp_array("kSpenceBernoulli", spence_series(terms)))
    out.append(f"constexpr double kPiSquaredOver6 = {float(mp.pi**2 / 6)!r};")
    log.append(f"SpenceBernoulli: {terms} terms, truncation {spence_truncation(terms):.3g}")
    return out, log


def parse_header(text: str) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for m in re.finditer(r"constexpr double (k\w+)(\[\])? = \{?([^;]*?)\}?;", text):
        found[m.group(1)] = [
            float(v) for v in m.group(3).replace("\n", " ").split(",") if v.strip()
        ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the header")
    args = parser.parse_args()
    out, log = tables()
    for line in log:
        print(f"// {line}", file=sys.stderr)
    if not args.check:
        print("\n".join(out))
        return 0
    want = parse_header("\n".join(out))
    have = parse_header(HEADER.read_text())
    bad = [name for name in want if have.get(name) != want[name]]
    for name in bad:
        print(f"{name}: header differs from the generated table", file=sys.stderr)
    print("header matches" if not bad else "MISMATCH", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
