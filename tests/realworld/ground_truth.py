"""Independent numeric ground truth for the real-world corpus (plain numpy, no gradproof).

Every claim of ``truth.yaml`` has a check here: a function that evaluates each member of the
claim's chain (``E0 = E1 = ... = En``) at random points, in floats, with every derivative taken
by central finite differences of the model's forward pass. A claim is true when all members
agree. A claim made of several equations returns ``Multi(chain, chain, ...)``; an ill-formed
member (a matrix product of mismatched shapes) is ``ILL``.

    python tests/realworld/ground_truth.py      # prints file, label, numeric truth
"""

from __future__ import annotations

import numpy as np

H = 1e-6
RTOL, ATOL = 1e-5, 1e-6
ILL = object()  # a member that cannot be evaluated (shape mismatch): the claim is false
CHECKS: dict[tuple[str, str], object] = {}


class Multi(list):
    """Several chains in one claim (an array, a gather, or 'A, B' on one line)."""


def claim(file: str, label: str):
    def register(fn):
        CHECKS[(file, label)] = fn
        return fn
    return register


def rng(seed=0):
    return np.random.default_rng(seed)


def fd(f, x):
    """Gradient of the scalar f at array x (central differences); same shape as x."""
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += H
        xm[idx] -= H
        g[idx] = (f(xp) - f(xm)) / (2 * H)
    return g


def jac(f, x):
    """Jacobian of the array-valued f at x: shape f(x).shape + x.shape."""
    x = np.array(x, dtype=float)
    y0 = np.asarray(f(x))
    J = np.zeros(y0.shape + x.shape)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += H
        xm[idx] -= H
        J[(...,) + idx] = (np.asarray(f(xp)) - np.asarray(f(xm))) / (2 * H)
    return J


def d(f, x):
    """Elementwise derivative of an elementwise scalar function."""
    return (f(x + H) - f(x - H)) / (2 * H)


def sig(z):
    return 1 / (1 + np.exp(-z))


def softmax(a):
    e = np.exp(a - np.max(a))
    return e / e.sum()


def agree(values) -> bool:
    if isinstance(values, Multi):
        return all(agree(chain) for chain in values)
    if any(v is ILL for v in values):
        return False
    first = np.asarray(values[0], dtype=float)
    for v in values[1:]:
        v = np.asarray(v, dtype=float)
        if v.shape != first.shape or not np.allclose(v, first, rtol=RTOL, atol=ATOL):
            return False
    return True


def ill_formed(note, label: str, values) -> bool:
    """Whether the claim tagged ``label`` in ``note`` has no meaning as written: a member that
    cannot be evaluated (``ILL``), or brackets in its display that do not balance."""
    if isinstance(values, Multi):
        return any(ill_formed(note, label, chain) for chain in values)
    if any(v is ILL for v in values):
        return True
    text = note.read_text(encoding="utf-8")
    tag = text.index("\\tag{%s}" % label)
    display = text[text.rindex("$$", 0, tag - 1) + 2:tag]
    display = display.replace("\\{", "").replace("\\}", "")
    return display.count("(") != display.count(")") or display.count("{") != display.count("}")


def evaluate() -> dict[str, dict[str, bool]]:
    out: dict[str, dict[str, bool]] = {}
    for (file, label), fn in CHECKS.items():
        out.setdefault(file, {})[label] = agree(fn())
    return out


# ---------------------------------------------------------------- softmax + cross-entropy
def _softmax_setup(C=4, seed=1, target=1):
    r = rng(seed)
    a = r.normal(size=C)
    y = np.zeros(C)
    y[target] = 1.0
    p = softmax(a)
    J = jac(softmax, a)  # J[j, i] = dp_j / da_i
    return a, y, p, J, np.eye(C)


F = "zakariapz_softmax_ce.md"


def _zak():
    a, y, p, J, I = _softmax_setup()
    L = lambda a_: -np.sum(y * np.log(softmax(a_)))
    dLda = fd(L, a)
    dl_dp = np.array([d(lambda q: y[j] * np.log(q), p[j]) for j in range(len(p))])  # l_j = y_j log p_j
    return a, y, p, J, I, dLda, dl_dp


@claim(F, "z1")
def _():
    a, y, p, J, I, dLda, dl_dp = _zak()
    return [dLda, -np.einsum("j,ji->i", dl_dp, J)]


@claim(F, "z2")
def _():
    a, y, p, J, I, dLda, dl_dp = _zak()
    rhs1 = np.array([d(lambda q: -y[j] * np.log(q), p[j]) for j in range(len(p))])
    return [dl_dp, rhs1, -y / p]


@claim(F, "z3")
def _():
    a, y, p, J, I = _softmax_setup()
    expr = lambda a_: np.exp(a_) / np.sum(np.exp(a_))
    return [J, jac(expr, a)]


@claim(F, "z4")  # i = j
def _():
    a, y, p, J, I = _softmax_setup()
    e, S = np.exp(a), np.sum(np.exp(a))
    diag = np.diag(J)
    return [diag, diag, diag, e / S - e / S**2 * e, p - p**2, p * (1 - p)]


@claim(F, "z5")  # i != j
def _():
    a, y, p, J, I = _softmax_setup()
    e, S = np.exp(a), np.sum(np.exp(a))
    off = ~np.eye(len(a), dtype=bool)
    dSinv = -S**-2 * e  # d/da_i (S^-1)
    m2 = np.outer(e, dSinv)  # [j, i] = exp(a_j) d/da_i S^-1
    m3 = -np.outer(e, e) / S**2
    m4 = -np.outer(p, p)
    return [J[off], J[off], m2[off], m3[off], m4[off]]


@claim(F, "z6")
def _():
    a, y, p, J, I = _softmax_setup()
    return [J, p[:, None] * (I - p[None, :])]


@claim(F, "z7")
def _():
    a, y, p, J, I, dLda, dl_dp = _zak()
    m1 = np.einsum("j,ji->i", dl_dp, J)
    m2 = np.einsum("j,ji->i", -y / p, p[:, None] * (I - p[None, :]))
    m3 = np.einsum("j,ji->i", y, p[None, :] - I)  # [j, i] = p_i - delta_ij
    return [dLda, m1, m2, m3]


F = "sunhaozhe_softmax_ce.md"


def _sun():
    o, y, p, J, I = _softmax_setup(seed=2, target=2)
    return o, y, p, J, I, np.exp(o), np.sum(np.exp(o))


@claim(F, "s1")
def _():
    o, y, p, J, I, e, S = _sun()
    dexp = I * e[:, None]  # [i, k] = d exp(o_i) / d o_k
    dS = np.broadcast_to(e[None, :], J.shape)  # [i, k] = d S / d o_k
    return [J, jac(lambda o_: np.exp(o_) / np.sum(np.exp(o_)), o), (dexp * S - dS * e[:, None]) / S**2]


@claim(F, "s2")  # i = k
def _():
    o, y, p, J, I, e, S = _sun()
    return [np.diag(J), (e * S - e * e) / S**2, e / S * (S - e) / S, p * (1 - p)]


@claim(F, "s3")  # i != k
def _():
    o, y, p, J, I, e, S = _sun()
    off = ~np.eye(len(o), dtype=bool)
    dexp = I * e[:, None]
    dS = np.broadcast_to(e[None, :], J.shape)
    q = (dexp * S - dS * e[:, None]) / S**2
    return [J[off], q[off], (-np.outer(e, e) / (S * S))[off], (-np.outer(p, p))[off]]


@claim(F, "s4")
def _():
    o, y, p, J, I, e, S = _sun()
    cases = np.where(I == 1, (p * (1 - p))[None, :] * np.ones_like(J), -np.outer(p, p))
    return [J, cases]


@claim(F, "s5")
def _():
    o, y, p, J, I, e, S = _sun()
    L = lambda o_: -np.sum(y * np.log(softmax(o_)))
    dL = fd(L, o)
    dlogp = jac(lambda o_: np.log(softmax(o_)), o)  # [i, k]
    m1 = -np.einsum("i,ik->k", y, dlogp)
    m2 = -np.einsum("i,ik->k", y * (1 / p), J)
    m3 = -np.einsum("i,ik->k", y / p, J)
    k = np.arange(len(o))
    m4 = np.array([-y[kk] * (1 - p[kk]) + sum(y[i] * p[kk] for i in k if i != kk) for kk in k])
    m5 = np.array([-y[kk] + np.sum(y) * p[kk] for kk in k])
    return [dL, m1, m2, m3, m4, m5, p - y]


F = "softmax_loss_553668.md"


@claim(F, "d1")
def _():
    o, y, p, J, I = _softmax_setup(seed=3)
    off = ~np.eye(len(o), dtype=bool)
    lhs = np.concatenate([np.diag(J), J[off]])  # J[j, i] = dp_j/do_i
    rhs = np.concatenate([p * (1 - p), (-np.outer(p, p))[off]])
    return [lhs, rhs]


@claim(F, "d2")
def _():
    o, y, p, J, I = _softmax_setup(seed=3)
    L = lambda o_: -np.sum(y * np.log(softmax(o_)))
    n = len(o)
    dlogp = jac(lambda o_: np.log(softmax(o_)), o)
    m1 = -np.einsum("k,ki->i", y, dlogp)
    m2 = -np.einsum("k,ki->i", y / p, J)
    m3 = np.array([-y[i] * (1 - p[i]) - sum(y[k] / p[k] * (-p[k] * p[i]) for k in range(n) if k != i)
                   for i in range(n)])
    m4 = np.array([-y[i] + y[i] * p[i] + sum(y[k] * p[i] for k in range(n) if k != i) for i in range(n)])
    return [fd(L, o), m1, m2, m3, m4, p * np.sum(y) - y]


@claim(F, "d3")
def _():
    o, y, p, J, I = _softmax_setup(seed=3)
    return [fd(lambda o_: -np.sum(y * np.log(softmax(o_))), o), p - y]


F = "jpark7ca_softmax.md"


@claim(F, "j1")
def _():
    z, y, s, J, I = _softmax_setup(seed=4, target=0)
    dC_ds = fd(lambda s_: -np.sum(y * np.log(s_)), s)
    return [fd(lambda z_: -np.sum(y * np.log(softmax(z_))), z), np.einsum("k,ki->i", dC_ds, J), s - y]


@claim(F, "j2")
def _():
    z, y, s, J, I = _softmax_setup(seed=4, target=0)
    return [-np.sum(y * np.log(softmax(z))), -np.sum(y * np.log(s))]


# ---------------------------------------------------------------- scalar activations
X = np.array([-2.1, -0.7, 0.0, 0.37, 1.3, 2.6])


F = "aman_sigmoid.md"


@claim(F, "a1")
def _():
    return [d(sig, X), sig(X) * (1 - sig(X))]


@claim(F, "a2")
def _():
    return [sig(X), 1 / (1 + np.exp(-X))]


@claim(F, "a3")
def _():
    z, e = X, np.exp(-X)
    return [d(sig, z), d(lambda t: 1 / (1 + np.exp(-t)), z), d(lambda t: (1 + np.exp(-t)) ** -1, z),
            -(1 + e) ** -2 * (-e), e / (1 + e) ** 2, 1 / (1 + e) * e / (1 + e),
            1 / (1 + e) * ((1 + e) - 1) / (1 + e), 1 / (1 + e) * ((1 + e) / (1 + e) - 1 / (1 + e)),
            1 / (1 + e) * (1 - 1 / (1 + e)), sig(z) * (1 - sig(z))]


F = "mynote_sigmoid.md"


@claim(F, "m1")
def _():
    x = X
    return [1 / (1 + np.exp(-x)), 1 / (1 + np.exp(-x)) * np.exp(x) / np.exp(x), np.exp(x) / (np.exp(x) + 1)]


@claim(F, "m2")
def _():
    return [d(sig, X), d(sig, X), sig(X) * (1 - sig(X))]


@claim(F, "m3")
def _():
    f = lambda t: np.exp(-3 * t**2 + 2 * t)
    return [d(f, X), (-6 * X + 2) * f(X)]


@claim(F, "m4")
def _():
    x = X
    f = lambda t: (t**2 + 1) ** 3
    return [d(f, x), 3 * (x**2 + 1) ** (3 - 1) * 2 * x ** (2 - 1), 3 * (x**2 + 1) ** 2 * (2 * x),
            6 * x * (x**2 + 1) ** 2]


@claim(F, "m5")
def _():
    x, e = X, np.exp(-X)
    s = 1 / (1 + e)
    return [d(sig, x), d(lambda t: 1 / (1 + np.exp(-t)), x), d(lambda t: (1 + np.exp(-t)) ** -1, x),
            -1 * (1 + e) ** -2 * (-e), -e / (-(1 + e) ** 2), e / (1 + e) ** 2, s * e / (1 + e),
            s * (e + (1 - 1)) / (1 + e), s * ((1 + e) - 1) / (1 + e), s * ((1 + e) / (1 + e) - s),
            s * (1 - s), sig(x) * (1 - sig(x))]


@claim("maizer2_sigmoid.md", "y1")
def _():
    y = 1 / (1 + np.exp(-X))
    return [d(lambda t: 1 / (1 + np.exp(-t)), X), y * (1 - y)]


F = "aman_tanh.md"


@claim(F, "t1")
def _():
    z = X
    return [1 - np.sinh(z) ** 2 / np.cosh(z) ** 2, (np.cosh(z) ** 2 - np.sinh(z) ** 2) / np.cosh(z) ** 2]


@claim(F, "t2")
def _():
    return [1 / np.cosh(X) ** 2, (1 / np.cosh(X)) ** 2]


@claim(F, "t3")
def _():
    return [d(np.tanh, X), 1 - np.tanh(X) ** 2, 1 / np.cosh(X) ** 2]


F = "questionai_tanh.md"
EP, EM = np.exp(X), np.exp(-X)


@claim(F, "q1")
def _():
    return [d(np.tanh, X), ((EP + EM) * (EP + EM) - (EP - EM) * (EP - EM)) / (EP + EM) ** 2]


@claim(F, "q2")
def _():
    return [d(np.tanh, X), 4 * EP / (EP + EM) ** 2]


F = "dlai_tanh_quotient.md"
_U, _V = np.exp, lambda t: np.exp(-t)
_DY = d(lambda t: (_U(t) - _V(t)) / (_U(t) + _V(t)), X)
_DU, _DV = d(_U, X), d(_V, X)


@claim(F, "c1")
def _():
    u, v = _U(X), _V(X)
    return [_DY, (v * _DU - u * _DV) / (v + u) ** 2]


@claim(F, "c2")
def _():
    return [_DU, np.exp(X)]


@claim(F, "c3")
def _():
    return [_DV, -np.exp(-X)]


@claim(F, "c4")
def _():
    return [_DY, (EM * EP - EP * (-EM)) / (EM + EP) ** 2]


@claim(F, "c5")
def _():
    return [_DY, (np.exp(X - X) + np.exp(X - X)) / (EP + EM) ** 2]


@claim(F, "c6")
def _():
    return [_DY, (1 + 1) / (EP + EM) ** 2]


@claim(F, "c7")
def _():
    return [_DY, 2 / (EP + EM) ** 2]


@claim(F, "c8")
def _():
    return [_DY, 2 / (2 * np.cosh(X)) ** 2]


@claim(F, "c9")
def _():
    return [_DY, 1 / np.cosh(X) ** 2]


@claim(F, "c10")
def _():
    return [_DY, (1 / np.cosh(X)) ** 2]


@claim("click4ai_swish.md", "w1")
def _():
    beta, x = 1.7, X
    swish = lambda t: t * sig(beta * t)
    s = sig(beta * x)
    return [d(swish, x), s + beta * x * s * (1 - s), swish(x) + s * (beta - beta * swish(x))]


@claim("neuralthreads_softplus.md", "p1")
def _():
    x = X
    f = lambda t: np.log(1 + np.exp(t))
    return [d(f, x), d(f, x), np.exp(x) / (1 + np.exp(x)),
            (np.exp(x) / np.exp(x)) / (1 / np.exp(x) + np.exp(x) / np.exp(x)), 1 / (1 + np.exp(-x)), sig(x)]


# ---------------------------------------------------------------- layered networks
F = "compphysics_hidden_layer.md"


def _cp():
    r = rng(5)
    M = 3
    zl, w, b, t = r.normal(size=M), r.normal(size=(M, M)), r.normal(size=M), r.normal(size=M)
    zn = lambda z_: w.T @ sig(z_) + b  # z_j^{l+1} = sum_i w_ij a_i^l + b_j
    C_of_znext = lambda zn_: 0.5 * np.sum((sig(zn_) - t) ** 2)
    C = lambda z_: C_of_znext(zn(z_))
    return zl, w, zn, fd(C, zl), fd(C_of_znext, zn(zl)), jac(zn, zl)


@claim(F, "h1")
def _():
    zl, w, zn, dl, dn, Jz = _cp()
    return [dl, np.einsum("k,kj->j", dn, Jz), np.einsum("k,kj->j", dn, Jz)]


@claim(F, "h2")
def _():
    zl, w, zn, dl, dn, Jz = _cp()
    return [dl, np.einsum("k,kj->j", dn, w) * sig(zl) * (1 - sig(zl))]  # w_{kj}: w[k, j]


F = "nielsen_ch2_backprop.md"


def _nl():
    r = rng(6)
    K0, J, K = 3, 4, 3
    ap, wl, bl = r.normal(size=K0), r.normal(size=(J, K0)), r.normal(size=J)
    wn, bn, y = r.normal(size=(K, J)), r.normal(size=K), r.normal(size=K)
    zl = wl @ ap + bl
    znext = lambda z_: wn @ sig(z_) + bn
    CL = lambda zL: 0.5 * np.sum((y - sig(zL)) ** 2)
    zL = znext(zl)
    dl = fd(lambda z_: CL(znext(z_)), zl)
    dL = fd(CL, zL)
    return dict(ap=ap, wl=wl, bl=bl, wn=wn, bn=bn, y=y, zl=zl, zL=zL, znext=znext, CL=CL, dl=dl, dL=dL,
                C_w=lambda w_: CL(znext(w_ @ ap + bl)), C_b=lambda b_: CL(znext(wl @ ap + b_)))


def sp(z):
    return sig(z) * (1 - sig(z))


@claim(F, "BP1")
def _():
    n = _nl()
    dCda = fd(lambda a_: 0.5 * np.sum((n["y"] - a_) ** 2), sig(n["zL"]))
    return [n["dL"], dCda * sp(n["zL"])]


@claim(F, "BP1a")
def _():
    n = _nl()
    return [n["dL"], fd(lambda a_: 0.5 * np.sum((n["y"] - a_) ** 2), sig(n["zL"])) * sp(n["zL"])]


@claim(F, "30")
def _():
    n = _nl()
    return [n["dL"], (sig(n["zL"]) - n["y"]) * sp(n["zL"])]


@claim(F, "BP2")
def _():
    n = _nl()
    return [n["dl"], (n["wn"].T @ n["dL"]) * sp(n["zl"])]


@claim(F, "BP3")
def _():
    n = _nl()
    return [fd(n["C_b"], n["bl"]), n["dl"]]


@claim(F, "BP4")
def _():
    n = _nl()
    return [fd(n["C_w"], n["wl"]), np.outer(n["dl"], n["ap"])]


@claim(F, "42")
def _():
    n = _nl()
    Jz = jac(n["znext"], n["zl"])
    return [n["dl"], n["dl"], np.einsum("k,kj->j", n["dL"], Jz), np.einsum("kj,k->j", Jz, n["dL"])]


@claim(F, "43")
def _():
    n = _nl()
    return [n["zL"], n["wn"] @ sig(n["zl"]) + n["bn"], n["wn"] @ sig(n["zl"]) + n["bn"]]


@claim(F, "44")
def _():
    n = _nl()
    return [jac(n["znext"], n["zl"]), n["wn"] * sp(n["zl"])[None, :]]


@claim(F, "45")
def _():
    n = _nl()
    return [n["dl"], np.einsum("kj,k->j", n["wn"], n["dL"]) * sp(n["zl"])]


F = "nielsen_ch3_cross_entropy.md"


def _n3():
    r = rng(7)
    n, J = 6, 3
    Xs, y, w, b = r.normal(size=(n, J)), r.uniform(size=n), r.normal(size=J), 0.3
    C = lambda w_, b_: -np.mean(y * np.log(sig(Xs @ w_ + b_)) + (1 - y) * np.log(1 - sig(Xs @ w_ + b_)))
    z = Xs @ w + b
    return Xs, y, w, b, z, fd(lambda w_: C(w_, b), w), fd(lambda b_: C(w, b_), np.array(b))


@claim(F, "58")
def _():
    Xs, y, w, b, z, dw, db = _n3()
    s = sig(z)
    dsig_dw = sp(z)[:, None] * Xs  # d sigma(z_x) / d w_j
    m1 = -np.mean(((y / s) - (1 - y) / (1 - s))[:, None] * dsig_dw, axis=0)
    m2 = -np.mean(((y / s) - (1 - y) / (1 - s))[:, None] * sp(z)[:, None] * Xs, axis=0)
    return [dw, m1, m2]


@claim(F, "59")
def _():
    Xs, y, w, b, z, dw, db = _n3()
    s = sig(z)
    return [dw, np.mean((sp(z) / (s * (1 - s)) * (s - y))[:, None] * Xs, axis=0)]


@claim(F, "61")
def _():
    Xs, y, w, b, z, dw, db = _n3()
    return [dw, np.mean(Xs * (sig(z) - y)[:, None], axis=0)]


@claim(F, "62")
def _():
    Xs, y, w, b, z, dw, db = _n3()
    return [db, np.mean(sig(z) - y)]


F = "ng_vectorized_backprop.md"


def _ng():
    r = rng(8)
    m, n0, n1 = 5, 3, 4
    Xm, W1, b1 = r.normal(size=(n0, m)), r.normal(size=(n1, n0)), r.normal(size=(n1, 1))
    W2, b2, Y = r.normal(size=(1, n1)), r.normal(size=(1, 1)), (r.uniform(size=(1, m)) > 0.5) * 1.0

    def J_from_A1(A1):
        A2 = sig(W2 @ A1 + b2)
        return -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))

    J_from_Z1 = lambda Z1: J_from_A1(np.tanh(Z1))
    Z1 = W1 @ Xm + b1
    return dict(m=m, X=Xm, W1=W1, b1=b1, Z1=Z1,
                dZ1=m * fd(J_from_Z1, Z1), dA1=m * fd(J_from_A1, np.tanh(Z1)),
                dW1=fd(lambda W: J_from_Z1(W @ Xm + b1), W1), db1=fd(lambda b: J_from_Z1(W1 @ Xm + b), b1),
                dA0=m * fd(lambda X_: J_from_Z1(W1 @ X_ + b1), Xm))


@claim(F, "n1")
def _():
    g = _ng()
    return [g["dZ1"], g["dA1"] * (1 - np.tanh(g["Z1"]) ** 2)]


@claim(F, "n2")
def _():
    g = _ng()
    return [g["dW1"], 1 / g["m"] * g["dZ1"] @ g["X"].T]


@claim(F, "n3")
def _():
    g = _ng()
    try:  # the author's NumPy code as written: 'keep.dims' is no keyword argument
        rhs = eval("1 / m * np.sum(dZ, axis=1, keep.dims=True)", {"np": np, "m": g["m"], "dZ": g["dZ1"]})
    except SyntaxError:
        rhs = ILL
    return [g["db1"], rhs]


@claim(F, "n4")
def _():
    g = _ng()
    return [g["dA0"], g["W1"].T @ g["dZ1"]]


F = "statsse_360485_ng_single.md"


def _ng1():
    r = rng(9)
    a0, w, b, t = r.normal(size=(3, 1)), r.normal(size=(4, 3)), r.normal(size=(4, 1)), r.normal(size=(4, 1))
    Lz = lambda z: 0.5 * np.sum((np.tanh(z) - t) ** 2)
    z = w @ a0 + b
    return a0, w, b, z, Lz


@claim(F, "1")
def _():
    a0, w, b, z, Lz = _ng1()
    dz = fd(Lz, z)
    da = fd(lambda a: Lz(np.arctanh(a)), np.tanh(z))
    return [dz, da * (1 - np.tanh(z) ** 2)]


@claim(F, "2")
def _():
    a0, w, b, z, Lz = _ng1()
    dz = fd(Lz, z)
    dw = fd(lambda w_: Lz(w_ @ a0 + b), w)
    try:
        rhs = np.dot(dz, a0)  # dz^{[l]} . a^{[l-1]} as written: (4,1) . (3,1)
    except ValueError:
        rhs = ILL
    return [dw, rhs]


F = "kjo_rnn_softmax.md"


def _kjo():
    r = rng(10)
    K, Hd = 4, 3
    V, h, by = r.normal(size=(K, Hd)), r.normal(size=Hd), r.normal(size=K)
    y = np.zeros(K)
    y[2] = 1
    q = V @ h + by
    yh = softmax(q)
    E_of_yh = lambda yh_: -np.sum(y * np.log(yh_))
    return V, h, by, y, q, yh, E_of_yh, jac(softmax, q), fd(E_of_yh, yh)


@claim(F, "r1")
def _():
    V, h, by, y, q, yh, E, J, dE = _kjo()
    dq_dV = jac(lambda V_: V_ @ h + by, V)  # [l, i, j]
    return [fd(lambda V_: E(softmax(V_ @ h + by)), V), np.einsum("k,kl,lij->ij", dE, J, dq_dV)]


@claim(F, "r6")
def _():
    V, h, by, y, q, yh, E, J, dE = _kjo()
    I = np.eye(len(q))
    return [J, yh[:, None] * (I - yh[:, None])]  # [k, l] = yhat_k (delta_kl - yhat_k)


@claim(F, "r2")
def _():
    V, h, by, y, q, yh, E, J, dE = _kjo()
    return [np.einsum("k,kl->l", dE, J), yh - y]


@claim(F, "r3")
def _():
    V, h, by, y, q, yh, E, J, dE = _kjo()
    dq_dV = jac(lambda V_: V_ @ h + by, V)
    I = np.eye(len(q))
    return [dq_dV, dq_dV, np.einsum("il,j->lij", I, h)]


@claim(F, "r4")
def _():
    V, h, by, y, q, yh, E, J, dE = _kjo()
    return [fd(lambda V_: E(softmax(V_ @ h + by)), V), np.outer(yh - y, h)]


@claim(F, "r5")
def _():
    V, h, by, y, q, yh, E, J, dE = _kjo()
    return [fd(lambda b_: E(softmax(V @ h + b_)), by), yh - y]


F = "rockung_word2vec.md"


def _w2v():
    r = rng(11)
    Vn, D, o = 5, 3, 2
    U, v = r.normal(size=(Vn, D)), r.normal(size=D)
    J = lambda U_, v_: -np.log(softmax(U_ @ v_)[o])
    return U, v, o, softmax(U @ v), J


@claim(F, "v1")
def _():
    U, v, o, yh, J = _w2v()
    return [yh[o], np.exp(U[o] @ v) / np.sum(np.exp(U @ v))]


@claim(F, "v2")
def _():
    U, v, o, yh, J = _w2v()
    S = np.sum(np.exp(U @ v))
    return [J(U, v), -1.0 * np.log(yh[o]), -np.log(np.exp(U[o] @ v)) + np.log(S), -U[o] @ v + np.log(S)]


@claim(F, "v3")
def _():
    U, v, o, yh, J = _w2v()
    return [fd(lambda v_: J(U, v_), v), -U[o] + yh @ U]


@claim(F, "v4")
def _():
    U, v, o, yh, J = _w2v()
    dU = fd(lambda U_: J(U_, v), U)
    return [np.tile(dU[o], (len(yh), 1)), (yh[:, None] - 1) * v[None, :]]  # (\hat y_w - 1) v_c, every w


@claim(F, "v5")
def _():
    U, v, o, yh, J = _w2v()
    dU = fd(lambda U_: J(U_, v), U)
    others = np.arange(len(yh)) != o
    return [dU[others], (yh[:, None] * v[None, :])[others]]


@claim("hackmd_cs224n_skipgram.md", "sg")
def _():
    U, v, o, yh, J = _w2v()
    S = lambda v_: np.sum(np.exp(U @ v_))
    logS = lambda v_: np.log(S(v_))
    s = S(v)
    m0 = fd(lambda v_: np.log(softmax(U @ v_)[o]), v)
    m1 = fd(lambda v_: np.log(np.exp(U[o] @ v_) / S(v_)), v)
    m2 = fd(lambda v_: np.log(np.exp(U[o] @ v_)), v) - fd(logS, v)
    m3 = fd(lambda v_: U[o] @ v_, v) - fd(logS, v)
    m4 = U[o] - fd(logS, v)
    m5 = U[o] - 1 / s * fd(S, v)
    m6 = U[o] - 1 / s * sum(fd(lambda v_, w=w: np.exp(U[w] @ v_), v) for w in range(len(U)))
    m7 = U[o] - 1 / s * sum(np.exp(U[w] @ v) * fd(lambda v_, w=w: U[w] @ v_, v) for w in range(len(U)))
    m8 = U[o] - 1 / s * sum(np.exp(U[w] @ v) * U[w] for w in range(len(U)))
    m9 = U[o] - sum(np.exp(U[w] @ v) / s * U[w] for w in range(len(U)))
    m10 = U[o] - yh @ U
    return [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10]


# ---------------------------------------------------------------- logistic / linear regression
def _lr(seed, m=6, n=3, binary=True):
    r = rng(seed)
    Xs, th = r.normal(size=(m, n)), r.normal(size=n)
    y = (r.uniform(size=m) > 0.5) * 1.0 if binary else r.normal(size=m)
    return Xs, th, y


F = "aman_logreg.md"


@claim(F, "g1")
def _():
    Xs, th, y = _lr(12)
    J = lambda t: -np.mean(y * np.log(sig(Xs @ t)) + (1 - y) * np.log(1 - sig(Xs @ t)))
    return [fd(J, th), fd(J, th), (sig(Xs @ th) - y) @ Xs]


@claim(F, "g2")
def _():
    Xs, th, y = _lr(12)
    tx = Xs @ th
    h = sig(tx)
    e = np.exp(-tx)
    return Multi([[np.log(h), np.log(1 / (1 + e)), -np.log(1 + e)],
                  [np.log(1 - h), np.log(1 - 1 / (1 + e)), np.log(e) - np.log(1 + e), -tx - np.log(1 + e)]])


F = "numerade_logreg.md"


def _nu():
    Xs, th, y = _lr(13)
    return Xs, th, y, Xs @ th


@claim(F, "e1")
def _():
    z = _nu()[3]
    return [d(sig, z), sig(z) * (1 - sig(z))]


@claim(F, "e2")
def _():
    Xs, th, y, z = _nu()
    return [jac(lambda t: sig(Xs @ t), th), (sig(z) * (1 - sig(z)))[:, None] * Xs]


@claim(F, "e3")
def _():
    Xs, th, y, z = _nu()
    return [jac(lambda t: np.log(sig(Xs @ t)), th), (1 - sig(z))[:, None] * Xs]


@claim(F, "e4")
def _():
    Xs, th, y, z = _nu()
    return [jac(lambda t: np.log(1 - sig(Xs @ t)), th), -sig(z)[:, None] * Xs]


@claim(F, "e5")
def _():
    Xs, th, y, z = _nu()
    l = lambda t: -np.mean(y * np.log(sig(Xs @ t)) + (1 - y) * np.log(1 - sig(Xs @ t)))
    return [fd(l, th), np.mean((sig(z) - y)[:, None] * Xs, axis=0)]


@claim("lingyv_linreg.md", "l1")
def _():
    Xs, th, y = _lr(14, binary=False)
    J = lambda t: np.mean(0.5 * (Xs @ t - y) ** 2)
    return [fd(J, th), np.mean((Xs @ th - y)[:, None] * Xs, axis=0)]


F = "aromal_linreg.md"


@claim(F, "ar1")
def _():
    Xs, be, Y = _lr(15, binary=False)
    lhs = jac(lambda b: 0.5 * (Y - Xs @ b) ** 2, be)  # [i, j]
    inner = jac(lambda b: Y - Xs @ b, be)
    return [lhs, (Y - Xs @ be)[:, None] * inner]


@claim(F, "ar2")
def _():
    Xs, be, Y = _lr(15, binary=False)
    m = len(Y)
    return [1 / (2 * m) * np.sum((Y - Xs @ be) ** 2), 1 / (2 * m) * (Y - Xs @ be) @ (Y - Xs @ be)]


# ---------------------------------------------------------------- normalisation layers
F = "hingma_batchnorm.md"
_EPS = 0.1


def _bn():
    r = rng(16)
    N, D = 5, 3
    x, g, bt, R = r.normal(size=(N, D)), r.normal(size=D), r.normal(size=D), r.normal(size=(N, D))
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    xh = (x - mu) / np.sqrt(var + _EPS)
    Ly = lambda y_: np.sum(R * y_) + 0.5 * np.sum(y_**2)  # an arbitrary loss of y
    y = g * xh + bt
    return x, g, bt, mu, var, xh, y, Ly, fd(Ly, y)


@claim(F, "b1")
def _():
    x, g, bt, mu, var, xh, y, Ly, dy = _bn()
    return [fd(lambda b_: Ly(g * xh + b_), bt), dy.sum(axis=0), dy.sum(axis=0)]


@claim(F, "b2")
def _():
    x, g, bt, mu, var, xh, y, Ly, dy = _bn()
    dy_dg = xh  # d y_ij / d gamma_j
    return [fd(lambda g_: Ly(g_ * xh + bt), g), (dy * dy_dg).sum(axis=0), (dy * xh).sum(axis=0)]


@claim(F, "b3")
def _():
    x, g, bt, mu, var, xh, y, Ly, dy = _bn()
    return [fd(lambda xh_: Ly(g * xh_ + bt), xh), dy * g, dy * g]


@claim(F, "b4")
def _():
    x, g, bt, mu, var, xh, y, Ly, dy = _bn()
    dxh = jac(lambda v: (x - mu) / np.sqrt(v + _EPS), var)  # [i, j, j']
    diag = np.einsum("ijj->ij", dxh)
    return [diag, (x - mu) * (-0.5) * (var + _EPS) ** -1.5]


F = "yueyiming_layernorm.md"


def _ln():
    r = rng(17)
    Dn = 5
    x, g, bt, R = r.normal(size=Dn), r.normal(size=Dn), r.normal(size=Dn), r.normal(size=Dn)
    mu = x.mean()
    var = np.mean((x - mu) ** 2)
    xhat = lambda mu_, v_: (x - mu_) / np.sqrt(v_ + _EPS)
    Ly = lambda y_: np.sum(R * y_) + 0.5 * np.sum(y_**2)
    L_node = lambda mu_, v_: Ly(g * xhat(mu_, v_) + bt)  # L with mu and sigma^2 as graph nodes
    xh = xhat(mu, var)
    y = g * xh + bt
    dy = fd(Ly, y)
    dxh = fd(lambda xh_: Ly(g * xh_ + bt), xh)
    dvar = fd(lambda v: L_node(mu, v[0]), np.array([var]))[0]
    return dict(x=x, g=g, bt=bt, mu=mu, var=var, xh=xh, Ly=Ly, dy=dy, dxh=dxh, dvar=dvar, L_node=L_node,
                xhat=xhat, D=Dn)


@claim(F, "y1")
def _():
    n = _ln()
    return [fd(lambda b_: n["Ly"](n["g"] * n["xh"] + b_), n["bt"]), n["dy"] * 1, n["dy"]]


@claim(F, "y2")
def _():
    n = _ln()
    return [fd(lambda g_: n["Ly"](g_ * n["xh"] + n["bt"]), n["g"]), n["dy"] * n["xh"], n["dy"] * n["xh"]]


@claim(F, "y3")
def _():
    n = _ln()
    return [n["dxh"], n["dy"] * n["g"]]


@claim(F, "y4")
def _():
    n = _ln()
    dxh_dvar = jac(lambda v: n["xhat"](n["mu"], v[0]), np.array([n["var"]]))[:, 0]
    return [n["dvar"], np.sum(n["dxh"] * dxh_dvar),
            np.sum(n["dxh"] * (n["x"] - n["mu"]) * (-0.5 * (n["var"] + _EPS) ** -1.5))]


@claim(F, "y5")
def _():
    n = _ln()
    dxh_dmu = jac(lambda m: n["xhat"](m[0], n["var"]), np.array([n["mu"]]))[:, 0]
    return [np.sum(n["dxh"] * dxh_dmu), np.sum(n["dxh"] * (-1 / np.sqrt(n["var"] + _EPS)))]


@claim(F, "y6")
def _():
    n = _ln()
    var_of_mu = lambda m: np.mean((n["x"] - m[0]) ** 2)
    dvar_dmu = fd(var_of_mu, np.array([n["mu"]]))[0]
    return [n["dvar"] * dvar_dmu, n["dvar"] * (-2 / n["D"]) * np.sum(n["x"] - n["mu"]), 0.0]


@claim(F, "y7")
def _():
    n = _ln()
    total = lambda m: n["L_node"](m[0], np.mean((n["x"] - m[0]) ** 2))
    return [fd(total, np.array([n["mu"]]))[0], -1 / np.sqrt(n["var"] + _EPS) * np.sum(n["dxh"])]


F = "shreyansh_layernorm.md"


def _sh():
    r = rng(18)
    N = 5
    x, g, bt, R = r.normal(size=N), r.normal(size=N), r.normal(size=N), r.normal(size=N)
    mu = x.mean()
    rstd = 1 / np.sqrt(np.mean((x - mu) ** 2) + _EPS)
    xh = (x - mu) * rstd
    Ly = lambda y_: np.sum(R * y_) + 0.5 * np.sum(y_**3) / 3
    y = xh * g + bt
    return xh, g, bt, Ly, fd(Ly, y), np.eye(N)


@claim(F, "s1")
def _():
    xh, g, bt, Ly, dy, I = _sh()
    return [jac(lambda g_: xh * g_ + bt, g), xh[None, :] * I]


@claim(F, "s2")
def _():
    xh, g, bt, Ly, dy, I = _sh()
    return [jac(lambda b_: xh * g + b_, bt), I]


@claim(F, "s3")
def _():
    xh, g, bt, Ly, dy, I = _sh()
    dyg = jac(lambda g_: xh * g_ + bt, g)
    return [fd(lambda g_: Ly(xh * g_ + bt), g), np.einsum("k,kj->j", dy, dyg), dy * np.diag(dyg), dy * xh]


@claim(F, "s4")
def _():
    xh, g, bt, Ly, dy, I = _sh()
    dyb = jac(lambda b_: xh * g + b_, bt)
    return [fd(lambda b_: Ly(xh * g + b_), bt), np.einsum("k,kj->j", dy, dyb), dy * np.diag(dyb), dy * 1]


# ---------------------------------------------------------------- convolution
F = "loliot_conv2d.md"


def corr(a, w, b):
    """z_{i,j} = sum_{m,n} a_{i+m, j+n} w_{m,n} + b_{i,j} (valid cross-correlation)."""
    M, N = w.shape
    Hh, Ww = a.shape[0] - M + 1, a.shape[1] - N + 1
    z = np.array(b, dtype=float).copy()
    for i in range(Hh):
        for j in range(Ww):
            z[i, j] += np.sum(a[i:i + M, j:j + N] * w)
    return z


def _cv():
    r = rng(19)
    a0, w1, b1 = r.normal(size=(6, 6)), r.normal(size=(2, 2)), r.normal(size=(5, 5))
    w2, b2, R = r.normal(size=(2, 2)), r.normal(size=(4, 4)), r.normal(size=(4, 4))
    Loss_z2 = lambda z2: np.sum(R * z2) + 0.5 * np.sum(z2**2)
    z2_of_z1 = lambda z1: corr(sig(z1), w2, b2)
    Loss_z1 = lambda z1: Loss_z2(z2_of_z1(z1))
    z1 = corr(a0, w1, b1)
    return dict(a0=a0, w1=w1, b1=b1, w2=w2, b2=b2, z1=z1, z2=z2_of_z1(z1), z2_of_z1=z2_of_z1,
                Loss_z1=Loss_z1, d1=fd(Loss_z1, z1), d2=fd(Loss_z2, z2_of_z1(z1)))


def at(arr, i, j):
    return arr[i, j] if 0 <= i < arr.shape[0] and 0 <= j < arr.shape[1] else 0.0


@claim(F, "k1")
def _():
    c = _cv()
    z1, d1, d2, w2 = c["z1"], c["d1"], c["d2"], c["w2"]
    J = jac(c["z2_of_z1"], z1)  # [x, y, i, j]
    m1 = np.einsum("xy,xyij->ij", d2, J)
    m2 = np.zeros_like(z1)
    m3 = np.zeros_like(z1)
    for i in range(z1.shape[0]):
        for j in range(z1.shape[1]):
            m2[i, j] = sum(d2[x, y] * at(w2, i - x, j - y) for x in range(d2.shape[0])
                           for y in range(d2.shape[1])) * sp(z1[i, j])
            m3[i, j] = sum(at(d2, i - m, j - n) * w2[m, n] for m in range(2) for n in range(2)) * sp(z1[i, j])
    return [d1, d1, m1, m2, m3]


@claim(F, "k2")
def _():
    c = _cv()
    dw = fd(lambda w_: c["Loss_z1"](corr(c["a0"], w_, c["b1"])), c["w1"])
    J = jac(lambda w_: corr(c["a0"], w_, c["b1"]), c["w1"])  # [i, j, m, n]
    m2 = np.array([[np.sum(c["d1"] * c["a0"][m:m + 5, n:n + 5]) for n in range(2)] for m in range(2)])
    return [dw, np.einsum("ij,ijmn->mn", c["d1"], J), m2]


@claim(F, "k3")
def _():
    c = _cv()
    db = fd(lambda b_: c["Loss_z1"](corr(c["a0"], c["w1"], b_)), c["b1"])
    J = jac(lambda b_: corr(c["a0"], c["w1"], b_), c["b1"])
    return [db, np.einsum("xy,xyij->ij", c["d1"], J), c["d1"]]


# ---------------------------------------------------------------- hinge loss
F = "aman_svm.md"


def _svm():
    r = rng(20)
    C, D, yi, Delta = 4, 3, 1, 1.0
    W, x = r.normal(size=(C, D)), r.normal(size=D)
    margins = W @ x - W[yi] @ x + Delta
    assert np.all(np.abs(np.delete(margins, yi)) > 1e-3)  # away from the kinks
    L = lambda W_: sum(max(0.0, W_[j] @ x - W_[yi] @ x + Delta) for j in range(C) if j != yi)
    return W, x, yi, margins, fd(L, W)


@claim(F, "v1")
def _():
    W, x, yi, mg, dW = _svm()
    count = sum(1.0 for j in range(len(W)) if j != yi and mg[j] > 0)
    return [dW[yi], -count * x]


@claim(F, "v2")
def _():
    W, x, yi, mg, dW = _svm()
    rows = [j for j in range(len(W)) if j != yi]
    return [dW[rows], np.array([(mg[j] > 0) * x for j in rows])]


# ---------------------------------------------------------------- matrix calculus
def _ls(seed=21):
    r = rng(seed)
    return r.normal(size=(4, 3)), r.normal(size=4), r.normal(size=3)


F = "mathse_369694_least_squares.md"


@claim(F, "q1")
def _():
    A, b, x = _ls()
    r = A @ x - b
    return [r @ r, x @ A.T @ A @ x - 2 * b @ A @ x + b @ b]


@claim(F, "q2")
def _():
    A, b, x = _ls()
    return [fd(lambda x_: np.sum((A @ x_ - b) ** 2), x), 2 * A.T @ A @ x - 2 * A.T @ b]


F = "mathse_4046866_quadratic.md"


@claim(F, "k1")
def _():
    A, b, x = _ls(22)
    r = A @ x - b
    return [np.sum(r**2), np.linalg.norm(r) ** 2, r @ r, x @ A.T @ A @ x - b @ A @ x - x @ A.T @ b + b @ b]


@claim(F, "k2")
def _():
    A, b, x = _ls(22)
    return [np.sum((A @ x - b) ** 2), x @ A.T @ A @ x - 2 * b @ A @ x + b @ b]


@claim(F, "k3")
def _():
    r = rng(23)
    Mm, x = r.normal(size=(3, 3)), r.normal(size=3)
    return [fd(lambda x_: x_ @ Mm @ x_, x), (Mm + Mm.T) @ x]


F = "mathse_3557185_gradient.md"


@claim(F, "g1")
def _():
    A, b, x = _ls(24)
    return [np.linalg.norm(A @ x - b) ** 2, (A @ x - b) @ (A @ x - b)]


@claim(F, "g2")
def _():
    A, b, x = _ls(24)
    return [fd(lambda x_: np.sum((A @ x_ - b) ** 2), x), 2 * (A @ x - b) @ A]


# ---------------------------------------------------------------- Bishop
F = "bishop_prml_backprop.md"


def _bp():
    r = rng(25)
    D, M, K = 3, 4, 2
    x = np.concatenate([[1.0], r.normal(size=D)])  # x_0 = 1
    w1, w2, t = r.normal(size=(M, D + 1)), r.normal(size=(K, M + 1)), r.normal(size=K)
    z_of_a = lambda a: np.concatenate([[1.0], np.tanh(a)])  # z_0 = 1
    E_of_ak = lambda ak: 0.5 * np.sum((ak - t) ** 2)  # linear outputs: y_k = a_k
    E_of_a = lambda a: E_of_ak(w2 @ z_of_a(a))
    a = w1 @ x
    z = z_of_a(a)
    y = w2 @ z
    return dict(x=x, w1=w1, w2=w2, t=t, a=a, z=z, y=y, E_of_a=E_of_a, ak_of_a=lambda a_: w2 @ z_of_a(a_),
                dj=fd(E_of_a, a), dk=fd(E_of_ak, y),
                dw1=fd(lambda w: E_of_a(w @ x), w1), dw2=fd(lambda w: E_of_ak(w @ z), w2))


@claim(F, "5.50")
def _():
    b = _bp()
    return [b["dw1"], np.outer(b["dj"], b["x"])]  # dE/da_j * da_j/dw_ji = dE/da_j * x_i


@claim(F, "5.53")
def _():
    b = _bp()
    return [b["dw1"], np.outer(b["dj"], b["x"])]


@claim(F, "5.54")
def _():
    b = _bp()
    return [b["dk"], b["y"] - b["t"]]


@claim(F, "5.55")
def _():
    b = _bp()
    Jka = jac(b["ak_of_a"], b["a"])
    return [b["dj"], b["dj"], np.einsum("k,kj->j", b["dk"], Jka)]


@claim(F, "5.56")
def _():
    b = _bp()
    return [b["dj"], d(np.tanh, b["a"]) * (b["w2"][:, 1:].T @ b["dk"])]


@claim(F, "5.65")
def _():
    b = _bp()
    return [b["dj"], (1 - b["z"][1:] ** 2) * (b["w2"][:, 1:].T @ b["dk"])]


@claim(F, "5.67")
def _():
    b = _bp()
    return Multi([[b["dw1"], np.outer(b["dj"], b["x"])], [b["dw2"], np.outer(b["dk"], b["z"])]])


# the checks of the other topics' transcriptions register themselves in CHECKS on import
from tests.realworld import ground_truth_parts  # noqa: E402,F401

if __name__ == "__main__":
    for file, labels in evaluate().items():
        for label, value in labels.items():
            print(f"{file:40s} {label:6s} {value}")
