"""Fits the coefficient tables of cpp/include/opkit/special/bessel_ik.h with mpmath.

    python tools/special/fit_bessel_ik.py           # prints the generated block
    python tools/special/fit_bessel_ik.py --check   # exit 1 unless the header holds it verbatim
    python tools/special/fit_bessel_ik.py --write   # replaces the block in the header

Method. Every table is a polynomial sum c[k] v^k, evaluated in the header by Horner's rule
(detail::Polynomial), in a variable v that runs over [0, V]:

  v = x^2 for the pieces near 0 (I0, I1/x, and the regular parts of K0 and K1 beside their
          logarithms); for I0 and I1/x every coefficient comes out positive, so Horner's
          rule loses no relative accuracy;
  v = A/x for the pieces x > A, fitting sqrt(x) exp(-x) I(x) or sqrt(x) exp(x) K(x), which
          tend to constants as x -> oo.

The coefficients minimise the largest scaled error max |P(v) - F(v)| / S(v) over 4n
Chebyshev points of [0, V] (Lawson's algorithm: iteratively reweighted least squares,
solved by QR in 60-digit arithmetic), and are then rounded to double. S = |F| (relative
error) except for the regular parts of K0 and K1, which change sign: there S is the size
of the K0(x) or K1(x)/x that the part contributes to. The script checks each rounded
polynomial, evaluated exactly, against F on a dense grid and prints that scaled error and
the Horner condition number max sum|c_k v^k| / S, which bounds the growth of rounding
errors in the evaluation. The degrees in TABLES are the smallest that reach about 2e-17
(0.2 ulp of double) before the rounding of the coefficients.

The functions, with x = sqrt(v) or A/v:
  I0(x)                                   kI0Small   x <= 12    v = x^2
  I1(x)/x                                 kI1Small   x <= 12    v = x^2
  sqrt(x) e^-x I0(x)                      kI0Large   x > 12     v = 12/x  (-> 1/sqrt(2 pi))
  sqrt(x) e^-x I1(x)                      kI1Large   x > 12     v = 12/x
  I0(x)                                   kI0Near    x <= 2     v = x^2   (for K0)
  I1(x)/x                                 kI1Near    x <= 2     v = x^2   (for K1)
  K0(x) + ln(x/2) I0(x)                   kK0Reg     x <= 2     v = x^2   S = K0(x)
  (K1(x) - 1/x - ln(x/2) I1(x)) / x       kK1Reg     x <= 2     v = x^2   S = K1(x)/x
  sqrt(x) e^x K0(x)                       kK0Large   x > 2      v = 2/x   (-> sqrt(pi/2))
  sqrt(x) e^x K1(x)                       kK1Large   x > 2      v = 2/x

I0 and I1 come from mpmath.besseli. The regular parts are entire functions of x^2, summed
from their series (DLMF 10.31.1, y = x^2/4):
  K0(x) + ln(x/2) I0(x)             = sum psi(k+1) y^k / k!^2,
  (K1(x) - 1/x - ln(x/2) I1(x)) / x = -1/4 sum (psi(k+1) + psi(k+2)) y^k / (k! (k+1)!),
and K0, K1 themselves from the same series with the working precision raised by the
digits their cancellation costs (about x); mpmath.besselk, which agrees with them but is
slow below x ~ 66, only for x >= 100.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mpmath as mp

HEADER = Path(__file__).resolve().parents[2] / "cpp/include/opkit/special/bessel_ik.h"
BEGIN = "// BEGIN GENERATED TABLES (tools/special/fit_bessel_ik.py); do not edit by hand."
END = "// END GENERATED TABLES"

DPS = 60
ITERATIONS = 40  # Lawson iterations per table
GRID = 800  # check points per table, besides the fitting points

mp.mp.dps = DPS
Func = Callable[[mp.mpf], mp.mpf]

# Where the pieces meet: the header's kISplit and kKSplit must hold the same numbers.
I_SPLIT = 12
K_SPLIT = 2


# --- the functions, of the fitting variable v ------------------------------------------


def i_small(nu: int) -> Func:
    def f(v: mp.mpf) -> mp.mpf:
        x = mp.sqrt(v)
        if nu == 0:
            return mp.besseli(0, x)
        # I1(x)/x from its series where x is tiny (v == 0 included).
        return mp.besseli(1, x) / x if v > mp.mpf("1e-20") else series_i1_over_x(v)

    return f


def series_i1_over_x(v: mp.mpf) -> mp.mpf:
    y = v / 4
    return mp.nsum(lambda k: y**k / (mp.factorial(k) * mp.factorial(k + 1)), [0, mp.inf]) / 2


def i_large(nu: int) -> Func:
    def f(v: mp.mpf) -> mp.mpf:
        if v == 0:
            return 1 / mp.sqrt(2 * mp.pi)
        x = I_SPLIT / v
        return mp.sqrt(x) * mp.exp(-x) * mp.besseli(nu, x)

    return f


def k_large(nu: int) -> Func:
    def f(v: mp.mpf) -> mp.mpf:
        if v == 0:
            return mp.sqrt(mp.pi / 2)
        x = K_SPLIT / v
        return mp.sqrt(x) * mp.exp(x) * besselk(nu, x)

    return f


def log_series(x: mp.mpf) -> tuple[mp.mpf, mp.mpf, mp.mpf, mp.mpf]:
    """I0(x), I1(x)/x and the regular parts sum psi(k+1) y^k / k!^2 and
    -1/4 sum (psi(k+1) + psi(k+2)) y^k / (k! (k+1)!), y = x^2/4 (DLMF 10.25.2, 10.31.1):
    K0(x) = -ln(x/2) I0(x) + the first, K1(x) = 1/x + ln(x/2) I1(x) + x times the second."""
    y = x * x / 4
    term, psi, k = mp.mpf(1), -mp.euler, 0
    i0 = i1 = r0 = r1 = mp.mpf(0)
    while True:
        term1 = term / (k + 1)  # y^k / (k! (k+1)!)
        psi_next = psi + mp.mpf(1) / (k + 1)
        i0 += term
        r0 += psi * term
        i1 += term1
        r1 += (psi + psi_next) * term1
        if k > 2 and term < mp.eps * i0:
            return i0, i1 / 2, r0, -r1 / 4
        k += 1
        term = term * y / (k * k)
        psi = psi_next


def besselk(nu: int, x: mp.mpf) -> mp.mpf:
    """K0 or K1 by the logarithmic series, with the working precision raised by the
    digits that its cancellation costs (about 2x/ln 10); mpmath's besselk where it is
    fast (x >= 100)."""
    if x >= 100:
        return mp.besselk(nu, x)
    with mp.workdps(DPS + 10 + int(x)):
        i0, i1x, r0, r1 = log_series(x)
        log_half = mp.log(x / 2)
        k = -log_half * i0 + r0 if nu == 0 else 1 / x + log_half * i1x * x + x * r1
    return +k


def k0_regular(v: mp.mpf) -> mp.mpf:
    return log_series(mp.sqrt(v))[2]


def k1_regular(v: mp.mpf) -> mp.mpf:
    return log_series(mp.sqrt(v))[3]


def k0_of_v(v: mp.mpf) -> mp.mpf:
    return besselk(0, mp.sqrt(v)) if v > 0 else mp.inf


def k1_over_x(v: mp.mpf) -> mp.mpf:
    return besselk(1, mp.sqrt(v)) / mp.sqrt(v) if v > 0 else mp.inf


# --- fitting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    comment: str
    f: Func
    span: mp.mpf  # v runs over [0, span]
    n: int  # number of coefficients
    scale: Func | None = None  # errors are relative to scale(v); to f(v) if None


TABLES = [
    Table("kI0Small", "I0(x) = P(x^2), |x| <= 12", i_small(0), mp.mpf(I_SPLIT) ** 2, 19),
    Table("kI1Small", "I1(x) = x P(x^2), |x| <= 12", i_small(1), mp.mpf(I_SPLIT) ** 2, 19),
    Table("kI0Large", "I0e(x) = P(12/x) / sqrt(x), x > 12", i_large(0), mp.mpf(1), 17),
    Table("kI1Large", "I1e(x) = P(12/x) / sqrt(x), x > 12", i_large(1), mp.mpf(1), 17),
    Table("kI0Near", "I0(x) = P(x^2), 0 < x <= 2", i_small(0), mp.mpf(K_SPLIT) ** 2, 10),
    Table("kI1Near", "I1(x) = x P(x^2), 0 < x <= 2", i_small(1), mp.mpf(K_SPLIT) ** 2, 10),
    Table(
        "kK0Reg",
        "K0(x) = P(x^2) - ln(x/2) I0(x), 0 < x <= 2 (error relative to K0)",
        k0_regular,
        mp.mpf(K_SPLIT) ** 2,
        11,
        k0_of_v,
    ),
    Table(
        "kK1Reg",
        "K1(x) = 1/x + x (ln(x/2) I1(x)/x + P(x^2)), 0 < x <= 2 (error relative to K1/x)",
        k1_regular,
        mp.mpf(K_SPLIT) ** 2,
        11,
        k1_over_x,
    ),
    Table("kK0Large", "K0e(x) = P(2/x) / sqrt(x), x > 2", k_large(0), mp.mpf(1), 23),
    Table("kK1Large", "K1e(x) = P(2/x) / sqrt(x), x > 2", k_large(1), mp.mpf(1), 23),
]


def nodes(span: mp.mpf, m: int) -> list[mp.mpf]:
    """The m Chebyshev points of [0, span]."""
    return [span * (1 - mp.cos(mp.pi * (k + mp.mpf(1) / 2) / m)) / 2 for k in range(m)]


def horner(c: list[mp.mpf], v: mp.mpf) -> mp.mpf:
    total = mp.mpf(0)
    for coefficient in reversed(c):
        total = total * v + coefficient
    return total


def lawson(table: Table) -> list[mp.mpf]:
    """Coefficients of least max |P - f| / scale (Lawson's algorithm)."""
    n, span = table.n, table.span
    m = 4 * n
    vs = nodes(span, m)
    fs = [table.f(v) for v in vs]
    ss = fs if table.scale is None else [table.scale(v) for v in vs]
    # Columns (v/span)^k: well-scaled for the least-squares solve.
    basis = [[(v / span) ** k for k in range(n)] for v in vs]
    weights = [mp.mpf(1) / m] * m
    best: tuple[mp.mpf, list[mp.mpf]] | None = None
    for _ in range(ITERATIONS):
        a = mp.matrix(m, n)
        b = mp.matrix(m, 1)
        for i in range(m):
            factor = mp.sqrt(weights[i]) / ss[i]
            for k in range(n):
                a[i, k] = factor * basis[i][k]
            b[i] = factor * fs[i]
        solution = mp.qr_solve(a, b)[0]
        c = [solution[k] / span**k for k in range(n)]
        errors = [abs((horner(c, v) - fv) / sv) for v, fv, sv in zip(vs, fs, ss, strict=True)]
        worst = max(errors)
        if best is None or worst < best[0]:
            best = (worst, c)
        total = mp.fsum(w * e for w, e in zip(weights, errors, strict=True))
        weights = [w * e / total for w, e in zip(weights, errors, strict=True)]
    assert best is not None
    return best[1]


def check(table: Table, c: list[float]) -> tuple[mp.mpf, mp.mpf]:
    """Scaled error and Horner condition number of the rounded coefficients c."""
    exact = [mp.mpf(v) for v in c]
    worst = mp.mpf(0)
    condition = mp.mpf(0)
    grid = [table.span * k / GRID for k in range(GRID + 1)] + nodes(table.span, 4 * table.n)
    for v in grid:
        fv = table.f(v)
        sv = fv if table.scale is None else table.scale(v)
        worst = max(worst, abs((horner(exact, v) - fv) / sv))
        condition = max(condition, mp.fsum(abs(a) * v**k for k, a in enumerate(exact)) / abs(sv))
    return worst, condition


def generate(verbose: bool) -> str:
    lines = [BEGIN]
    for table in TABLES:
        c = [float(a) for a in lawson(table)]
        worst, condition = check(table, c)
        if verbose:
            print(
                f"{table.name}: n={table.n} error={mp.nstr(worst, 3)} cond={mp.nstr(condition, 3)}",
                file=sys.stderr,
            )
        lines.append(f"// {table.comment}; error {mp.nstr(worst, 2)}.")
        lines.append(f"inline constexpr double {table.name}[{table.n}] = {{")
        lines.extend(f"    {value!r}," for value in c)
        lines.append("};")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="compare with the header")
    group.add_argument("--write", action="store_true", help="rewrite the header's block")
    args = parser.parse_args()
    block = generate(verbose=True)
    if not (args.check or args.write):
        sys.stdout.write(block)
        return 0
    text = HEADER.read_text()
    start = text.index(BEGIN)
    stop = text.index(END, start) + len(END) + 1
    if args.check:
        same = text[start:stop] == block
        print("header is up to date" if same else "header differs from the fit", file=sys.stderr)
        return 0 if same else 1
    HEADER.write_text(text[:start] + block + text[stop:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
