"""Fits the coefficient tables of cpp/include/opkit/special/integrals.h with mpmath.

    python tools/special/fit_integrals.py           # prints the generated block
    python tools/special/fit_integrals.py --check   # exit 1 unless the header holds it verbatim
    python tools/special/fit_integrals.py --write   # replaces the block in the header

Method. Every table approximates one smooth, slowly varying function F(v) on an interval
[a, b] of a variable v (x, x^2, x^4, 1/x or 1/x^2, chosen so that F is nearly constant).
F is interpolated at the n Chebyshev points of [a, b] in 60-digit arithmetic, and the
interpolant is re-expanded in powers of t = (v - center) / scale (by default the midpoint
and half-width of [a, b]; some tables expand about an end of the interval instead, where
that makes all terms of the series one sign) and rounded to double. n is the smallest
count for which the interpolant agrees with F to TARGET relative error on a dense grid of
[a, b]; rows of one 2-D table share the largest n of the rows. The header evaluates each
polynomial by Horner's rule (detail::Polynomial). Each table's comment gives the
interpolation error, the error after rounding the coefficients to double (both measured
on the grid, evaluating exactly) and the Horner condition number max sum|c_k t^k| / |F|,
which bounds the growth of rounding errors in the evaluation.

The functions, all computed with mpmath:
  Dawson's integral  D(x) = sqrt(pi)/2 exp(-x^2) erfi(x), and for x >= 12 its asymptotic
                     series 1/(2x) sum (2k-1)!!/(2x^2)^k, whose truncation error at the
                     smallest term is below exp(-x^2) < 1e-62 there.
  Ei                 mpmath.ei; S(x) = Ei(x) - gamma - ln x = sum x^k / (k k!) by its series.
  Fresnel            C, S from mpmath.fresnelc/fresnels for x <= sqrt(2); the auxiliary
                     functions f, g (DLMF 7.2(iv)) from the complementary error function,
                     g + i f = exp(-i pi x^2/2) (1+i)/2 erfc(sqrt(pi)/2 (1-i) x) (DLMF 7.5).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import mpmath as mp

HEADER = Path(__file__).resolve().parents[2] / "cpp/include/opkit/special/integrals.h"
BEGIN = "// BEGIN GENERATED TABLES (tools/special/fit_integrals.py); do not edit by hand."
END = "// END GENERATED TABLES"

DPS = 60
TARGET = 2.0e-17  # relative error of each interpolant, about 0.18 ulp of double
GRID = 600  # check points per piece, besides the interpolation points

mp.mp.dps = DPS
Func = Callable[[mp.mpf], mp.mpf]


# --- the functions -----------------------------------------------------------------------


def dawson(x: mp.mpf) -> mp.mpf:
    if x == 0:
        return mp.mpf(0)
    if x < 12:
        return mp.sqrt(mp.pi) / 2 * mp.exp(-x * x) * mp.erfi(x)
    total, term, k = mp.mpf(0), mp.mpf(1), 0
    while abs(term) > mp.eps * abs(total):
        total += term
        nxt = term * (2 * k + 1) / (2 * x * x)
        if nxt >= term:  # smallest term reached (never before k ~ x^2 = 144)
            break
        term, k = nxt, k + 1
    return total / (2 * x)


def ei_series_part(x: mp.mpf) -> mp.mpf:
    """S(x) = Ei(x) - gamma - ln x = sum_{k>=1} x^k / (k k!)."""
    total, power, k = mp.mpf(0), mp.mpf(1), 0
    while True:
        k += 1
        power = power * x / k
        term = power / k
        total += term
        if abs(term) <= mp.eps * abs(total) / 16:
            return total


@cache
def ei_root() -> mp.mpf:
    """The positive root of Ei, to 2 DPS digits."""
    with mp.workdps(2 * DPS):
        return mp.findroot(mp.ei, mp.mpf("0.3725"))


def ei_quotient(x: mp.mpf) -> mp.mpf:
    """T(x) = (S(x) - S(x0)) / (x - x0), so that Ei(x) = ln(x / x0) + (x - x0) T(x)."""
    with mp.workdps(2 * DPS):
        x0 = ei_root()
        x = mp.mpf(x)
        if abs(x - x0) < mp.mpf(10) ** (-DPS // 2):
            return (mp.exp(x0) - 1) / x0  # S'(x0)
        return (ei_series_part(x) - ei_series_part(x0)) / (x - x0)


def fresnel_aux(x: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    """The auxiliary functions f(x), g(x) of DLMF 7.2(iv)."""
    z = mp.sqrt(mp.pi) / 2 * mp.mpc(1, -1) * x
    w = mp.expjpi(-x * x / 2) * mp.mpc(1, 1) / 2 * mp.erfc(z)
    return w.imag, w.real


def in_inverse_square(func: Callable[[mp.mpf], mp.mpf], at_zero: mp.mpf) -> Func:
    """F(v) = func(1/sqrt(v)), the limit at v = 0 given."""
    return lambda v: at_zero if v == 0 else func(1 / mp.sqrt(v))


# --- the pieces --------------------------------------------------------------------------


@dataclass
class Piece:
    """F(v) on [a, b], fitted as a polynomial in t = (v - center) / scale.

    center and scale default to the midpoint and half-width of [a, b], so t runs over
    [-1, 1]."""

    func: Func
    a: mp.mpf
    b: mp.mpf
    center: mp.mpf | None = None
    scale: mp.mpf | None = None

    def mapping(self) -> tuple[mp.mpf, mp.mpf]:
        center = (self.a + self.b) / 2 if self.center is None else self.center
        scale = (self.b - self.a) / 2 if self.scale is None else self.scale
        return mp.mpf(center), mp.mpf(scale)


@dataclass
class Table:
    name: str
    comment: Sequence[str]
    pieces: list[Piece]
    two_d: bool = False


def mpf(text: str | int) -> mp.mpf:
    return mp.mpf(text)


def over_x(func: Func, at_zero: mp.mpf) -> Func:
    return lambda v: at_zero if v == 0 else func(v)


# v = s^2 in [0, 1/4], expanded in powers of t = 4v - 1 (about the right end, where all
# terms have one sign).
QUARTER = (mpf(0), mpf(1) / 4, mpf(1) / 4, mpf(1) / 4)


def tables() -> list[Table]:
    one, two, pi = mpf(1), mpf(2), mp.pi
    return [
        Table(
            "kDawsonSmall",
            ["0 <= x < 1: D(x) = x P(t), t = x^2 - 1, fitting D(x)/x in v = x^2."],
            [Piece(over_x(lambda u: dawson(mp.sqrt(u)) / mp.sqrt(u), one), mpf(0), one, one, one)],
        ),
        Table(
            "kDawsonMid",
            ["k <= x < k+1 (k = 1, 2, 3, 4; row k-1): D(x) = P(t), t = x - (k+1)."],
            [Piece(dawson, mpf(k), mpf(k + 1), mpf(k + 1), one) for k in (1, 2, 3, 4)],
            two_d=True,
        ),
        Table(
            "kDawsonLarge",
            ["x >= 5: D(x) = P(t) / (2x), t = 50/x^2 - 1, fitting 2x D(x) in v = 1/x^2."],
            [Piece(in_inverse_square(lambda x: 2 * x * dawson(x), one), mpf(0), one / 25)],
        ),
        Table(
            "kExpintSmall",
            [
                "0 < x <= 4: Ei(x) = ln(x/x0) + d P(d), d = x - x0, where x0 is the root of Ei;",
                "fitting T(x) = (Ei(x) - ln(x/x0)) / (x - x0), an entire function, in powers of",
                "d (its Taylor coefficients at x0 are positive: Horner's rule is stable).",
            ],
            [Piece(ei_quotient, mpf(0), mpf(4), center=ei_root(), scale=one)],
        ),
        Table(
            "kExpintMid",
            ["2^k <= x < 2^(k+1) (k = 2, 3, 4; row k-2): Ei(x) = e^x/x P(t), t = x/2^(k-1) - 3."],
            [Piece(lambda x: x * mp.exp(-x) * mp.ei(x), two**k, two ** (k + 1)) for k in (2, 3, 4)],
            two_d=True,
        ),
        Table(
            "kExpintLarge",
            ["x >= 32: Ei(x) = e^x/x P(t), t = 64/x - 1, fitting x e^-x Ei(x) in v = 1/x."],
            [Piece(over_x(lambda v: mp.ei(1 / v) * mp.exp(-1 / v) / v, one), mpf(0), one / 32)],
        ),
        Table(
            "kFresnelCosSmall",
            ["0 <= x < sqrt(2): C(x) = x P(t), t = x^4/4 - 1, fitting C(x)/x in v = x^4."],
            [
                Piece(
                    over_x(lambda u: mp.fresnelc(mp.root(u, 4)) / mp.root(u, 4), one),
                    mpf(0),
                    mpf(4),
                    mpf(4),
                    mpf(4),
                )
            ],
        ),
        Table(
            "kFresnelSinSmall",
            ["0 <= x < sqrt(2): S(x) = x^3 P(t), t = x^4/4 - 1, fitting S(x)/x^3 in v = x^4."],
            [
                Piece(
                    over_x(lambda u: mp.fresnels(mp.root(u, 4)) / mp.root(u, 4) ** 3, pi / 6),
                    mpf(0),
                    mpf(4),
                    mpf(4),
                    mpf(4),
                )
            ],
        ),
        Table(
            "kFresnelF",
            [
                "x >= sqrt(2): auxiliary function f(x) = P(t) / (pi x), in v = 1/x^2. Row k = 0,",
                "1, 2 for 2^-(k+2) <= v < 2^-(k+1), t = 2^(k+3) v - 3; row 3 for v < 1/16,",
                "t = 32 v - 1.",
            ],
            fresnel_aux_pieces(lambda x: pi * x * fresnel_aux(x)[0]),
            two_d=True,
        ),
        Table(
            "kFresnelG",
            ["x >= sqrt(2): auxiliary function g(x) = P(t) / (pi^2 x^3); rows as kFresnelF."],
            fresnel_aux_pieces(lambda x: pi**2 * x**3 * fresnel_aux(x)[1]),
            two_d=True,
        ),
        Table(
            "kSinHalfPi",
            ["|s| <= 1/2: sin(pi s/2) = s P(t), t = 4 s^2 - 1, fitting sin(pi s/2)/s in v = s^2."],
            [Piece(over_x(lambda u: mp.sin(pi * mp.sqrt(u) / 2) / mp.sqrt(u), pi / 2), *QUARTER)],
        ),
        Table(
            "kCosHalfPi",
            ["|s| <= 1/2: cos(pi s/2) = P(t), t = 4 s^2 - 1, fitting cos(pi s/2) in v = s^2."],
            [Piece(lambda u: mp.cos(pi * mp.sqrt(u) / 2), *QUARTER)],
        ),
    ]


def fresnel_aux_pieces(func: Func) -> list[Piece]:
    one = mpf(1)
    edges = [one / 2, one / 4, one / 8, one / 16, mpf(0)]
    return [Piece(in_inverse_square(func, one), edges[k + 1], edges[k]) for k in range(4)]


# --- fitting -----------------------------------------------------------------------------


def chebyshev_to_monomial(cheb: Sequence[mp.mpf]) -> list[mp.mpf]:
    """Coefficients of s^i in sum_k cheb[k] T_k(s)."""
    n = len(cheb)
    out = [mp.mpf(0)] * n
    prev: list[int] = []
    cur = [1] + [0] * (n - 1)  # T_0, with integer coefficients
    for k, c in enumerate(cheb):
        if k == 1:
            prev, cur = cur, [0, 1] + [0] * (n - 2)
        elif k >= 2:  # T_k = 2 s T_(k-1) - T_(k-2)
            prev, cur = cur, [2 * (cur[i - 1] if i else 0) - prev[i] for i in range(n)]
        for i in range(n):
            out[i] += c * cur[i]
    return out


def substitute(poly: Sequence[mp.mpf], alpha: mp.mpf, beta: mp.mpf) -> list[mp.mpf]:
    """Coefficients of t^i in poly(alpha + beta t)."""
    out = [mp.mpf(0)] * len(poly)
    for c in reversed(poly):
        out = [alpha * out[i] + (beta * out[i - 1] if i else 0) for i in range(len(out))]
        out[0] += c
    return out


def interpolate(piece: Piece, n: int) -> list[mp.mpf]:
    """The degree n-1 interpolant at Chebyshev points, in powers of t."""
    half_width, mid = (piece.b - piece.a) / 2, (piece.b + piece.a) / 2
    angles = [mp.pi * (j + mp.mpf(1) / 2) / n for j in range(n)]
    values = [piece.func(mid + half_width * mp.cos(a)) for a in angles]
    cheb = [
        2 * mp.fsum(v * mp.cos(k * a) for v, a in zip(values, angles, strict=True)) / n
        for k in range(n)
    ]
    cheb[0] /= 2
    center, scale = piece.mapping()
    # s = (v - mid) / half_width = (center - mid) / half_width + (scale / half_width) t
    return substitute(chebyshev_to_monomial(cheb), (center - mid) / half_width, scale / half_width)


def check_points(piece: Piece) -> list[tuple[mp.mpf, mp.mpf]]:
    """(t, F) on a grid of [a, b] that is dense near the ends and in the middle."""
    m = GRID // 2
    ss = {mp.cos(mp.pi * i / m) for i in range(m + 1)} | {
        mp.mpf(2 * i) / m - 1 for i in range(m + 1)
    }
    half_width, mid = (piece.b - piece.a) / 2, (piece.b + piece.a) / 2
    center, scale = piece.mapping()
    points = []
    for s in sorted(ss):
        v = mid + half_width * s
        points.append(((v - center) / scale, piece.func(v)))
    return points


def horner(coefs: Sequence[mp.mpf | float], t: mp.mpf) -> mp.mpf:
    total = mp.mpf(0)
    for c in reversed(coefs):
        total = total * t + mp.mpf(c)
    return total


def errors(
    coefs: Sequence[mp.mpf | float], points: Sequence[tuple[mp.mpf, mp.mpf]]
) -> tuple[float, float]:
    """Max relative error and Horner condition number on the check points."""
    worst, cond = 0.0, 0.0
    for t, f in points:
        worst = max(worst, float(abs(horner(coefs, t) - f) / abs(f)))
        cond = max(cond, float(horner([abs(c) for c in coefs], abs(t)) / abs(f)))
    return worst, cond


@dataclass
class Fit:
    table: Table
    rows: list[list[float]]
    error: float  # of the interpolants
    rounded_error: float  # of the polynomials with coefficients rounded to double
    cond: float


def fit(table: Table) -> Fit:
    grids = [check_points(p) for p in table.pieces]
    counts = []
    for piece, grid in zip(table.pieces, grids, strict=True):
        n = 6
        while errors(interpolate(piece, n), grid)[0] > TARGET:
            n += 1
            assert n <= 40, f"{table.name}: no fit within 40 terms"
        counts.append(n)
    n = max(counts)
    exact = [interpolate(p, n) for p in table.pieces]
    rows = [[float(c) for c in row] for row in exact]
    error = max(errors(row, grid)[0] for row, grid in zip(exact, grids, strict=True))
    stats = [errors(row, grid) for row, grid in zip(rows, grids, strict=True)]
    return Fit(table, rows, error, max(s[0] for s in stats), max(s[1] for s in stats))


# --- output ------------------------------------------------------------------------------


def row_text(row: Sequence[float], indent: str) -> list[str]:
    lines, line = [], indent
    for c in row:
        item = f"{c!r},"
        if len(line) + 1 + len(item) > 90:
            lines.append(line.rstrip())
            line = indent
        line += item + " "
    lines.append(line.rstrip())
    return lines


def constants() -> list[str]:
    with mp.workdps(2 * DPS):
        x0 = ei_root()
        x0_hi = float(x0)
        x0_lo = float(x0 - mp.mpf(x0_hi))
        log_x0 = mp.log(x0)
        log_hi = float(log_x0)
        log_lo = float(log_x0 - mp.mpf(log_hi))
    return [
        "// x0, the positive root of Ei, and ln(x0), each as a sum of two doubles.",
        f"inline constexpr double kExpintRootHi = {x0_hi!r};",
        f"inline constexpr double kExpintRootLo = {x0_lo!r};",
        f"inline constexpr double kLogExpintRootHi = {log_hi!r};",
        f"inline constexpr double kLogExpintRootLo = {log_lo!r};",
    ]


def generate() -> str:
    out = [BEGIN, *constants()]
    for table in tables():
        result = fit(table)
        n = len(result.rows[0])
        out.append("")
        out.extend(f"// {line}" for line in table.comment)
        out.append(
            f"// {n} terms; relative error {result.error:.1e} (rounded coefficients"
            f" {result.rounded_error:.1e}); condition number {result.cond:.2f}."
        )
        if table.two_d:
            out.append(f"inline constexpr double {table.name}[{len(result.rows)}][{n}] = {{")
            for row in result.rows:
                out.append("    {")
                out.extend(row_text(row, "        "))
                out.append("    },")
            out.append("};")
        else:
            out.append(f"inline constexpr double {table.name}[{n}] = {{")
            out.extend(row_text(result.rows[0], "    "))
            out.append("};")
    out.append(END)
    return "\n".join(out) + "\n"


def current_block(text: str) -> tuple[int, int]:
    start = text.index(BEGIN)
    end = text.index(END, start) + len(END) + 1
    return start, end


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare with the header")
    mode.add_argument("--write", action="store_true", help="rewrite the header's block")
    args = parser.parse_args(argv)
    block = generate()
    if not (args.check or args.write):
        sys.stdout.write(block)
        return 0
    text = HEADER.read_text()
    start, end = current_block(text)
    if args.check:
        same = text[start:end] == block
        print("header tables match" if same else "header tables differ from the fit")
        return 0 if same else 1
    HEADER.write_text(text[:start] + block + text[end:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
