"""Stepping through one pass of gradient descent, a layer at a time, forward and back.

The steps are an explicit list: forward 1..L, cost, backward L..1, update. Each step calls the
engine's own per-layer functions (layer_forward, compute_cost, layer_backward/linear_backward,
update_parameters), so what a student sees is exactly what training does, and hands back the
tensors it read and wrote and the equations it applied, with their live shapes. Stepping back
restores the state before the step exactly: steps never modify an array in place, so the state
after each step is kept by reference at no cost.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .cost import compute_cost, l2_cost
from .network import Network
from .propagation import LayerGrads, layer_backward, layer_forward, linear_backward, output_dA
from .update import update_parameters

G_NAMES = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU", "linear": "id"}


class Term(NamedTuple):
    symbol: str          # e.g. "W[2]"
    shape: tuple         # its live shape
    broadcast: tuple = ()  # the shape NumPy stretches it to in this equation (b[l] across m columns)

    def text(self) -> str:
        stretched = f" →broadcast→ {_shape(self.broadcast)}" if self.broadcast else ""
        return f"{self.symbol} {_shape(self.shape)}{stretched}"


class Equation(NamedTuple):
    """lhs = rhs, where rhs is a list of Terms and operator strings ("·", "+", "*", ...)."""
    lhs: Term
    rhs: list
    note: str = ""       # e.g. the broadcast of b

    def text(self) -> str:
        parts = [p.text() if isinstance(p, Term) else p for p in self.rhs]
        return f"{self.lhs.text()} = " + " ".join(parts)


class Step(NamedTuple):
    kind: str            # "forward", "cost", "backward", "update"
    layer: int           # l for forward/backward; L for cost; 0 for update (all layers)


class StepResult(NamedTuple):
    step: Step
    equations: list      # Equations applied
    reads: dict          # name → array the step read
    writes: dict         # name → array the step wrote
    caches: tuple        # the cache list after the step: LayerCache for layers 1..k (None once consumed)


class _State(NamedTuple):
    caches: tuple        # LayerCache per layer filled so far (None where backward consumed it)
    A: np.ndarray        # the activation reached so far (A[l])
    cost: float | None
    dA: np.ndarray | None    # the gradient flowing back (dA[l])
    dZ: np.ndarray | None
    grads: tuple         # LayerGrads per layer, None until computed
    parameters: dict


def step_list(L: int) -> list[Step]:
    return ([Step("forward", l) for l in range(1, L + 1)] + [Step("cost", L)]
            + [Step("backward", l) for l in range(L, 0, -1)] + [Step("update", 0)])


class Stepper:
    """One pass over a batch X (n[0], m), Y (1, m) with the network's current parameters."""

    def __init__(self, network: Network, X, Y, learning_rate: float, l2: float = 0.0):
        self.network = network
        self.X, self.Y = X, Y
        self.learning_rate, self.l2 = learning_rate, l2
        self.L = network.L
        self.steps = step_list(self.L)
        params = {k: v.copy() for k, v in network.parameters.items()}
        self._states = [_State((), X, None, None, None, (None,) * self.L, params)]
        self.results: list[StepResult] = []

    # --- where we are -----------------------------------------------------------------------------
    @property
    def position(self) -> int:
        """How many steps are done (0 .. len(steps))."""
        return len(self.results)

    @property
    def done(self) -> bool:
        return self.position == len(self.steps)

    @property
    def next_step(self) -> Step | None:
        return None if self.done else self.steps[self.position]

    @property
    def state(self) -> _State:
        return self._states[-1]

    @property
    def parameters(self) -> dict:
        return self.state.parameters

    # --- moving -----------------------------------------------------------------------------------
    def forward_step(self) -> StepResult | None:
        """Do the next step; None at the end of the pass."""
        if self.done:
            return None
        step = self.steps[self.position]
        result, state = getattr(self, f"_{step.kind}")(step.layer, self.state)
        self._states.append(state)
        self.results.append(result)
        return result

    def back_step(self) -> StepResult | None:
        """Undo the last step; returns the result now current (None at the start)."""
        if self.results:
            self.results.pop()
            self._states.pop()
        return self.results[-1] if self.results else None

    def run_to_end(self) -> StepResult | None:
        result = None
        while not self.done:
            result = self.forward_step()
        return result

    def restart(self) -> None:
        del self.results[:], self._states[1:]

    # --- the steps ----------------------------------------------------------------------------------
    def _forward(self, l, s: _State):
        W, b = s.parameters[f"W{l}"], s.parameters[f"b{l}"]
        act = self.network.activations[l - 1]
        A, cache = layer_forward(s.A, W, b, act)
        m = s.A.shape[1]
        eqs = [Equation(Term(f"Z[{l}]", cache.Z.shape),
                        [Term(f"W[{l}]", W.shape), "·", Term(f"A[{l - 1}]", s.A.shape), "+",
                         Term(f"b[{l}]", b.shape, cache.Z.shape)],
                        f"b[{l}] {_shape(b.shape)} is broadcast across the {m} columns"),
               Equation(Term(f"A[{l}]", A.shape), [f"{G_NAMES[act]}(", Term(f"Z[{l}]", cache.Z.shape), ")"])]
        caches = s.caches + (cache,)
        result = StepResult(Step("forward", l), eqs,
                            {f"A[{l - 1}]": s.A, f"W[{l}]": W, f"b[{l}]": b},
                            {f"Z[{l}]": cache.Z, f"A[{l}]": A}, caches)
        return result, s._replace(caches=caches, A=A)

    def _cost(self, L, s: _State):
        AL, Y = s.A, self.Y
        # The cost training reports and minimises: with L2 its (λ/2m) Σ‖W[l]‖² too, the term
        # whose derivative is the (λ/m) W[l] in each dW[l] below.
        cross_entropy = compute_cost(AL, Y)
        penalty = l2_cost(s.parameters, L, self.l2, Y.shape[1])
        cost = cross_entropy + penalty
        dZ = AL - Y  # where the sigmoid meets cross-entropy: dZ[L] = A[L] − Y
        l2_terms = ["+ (λ/2m) Σ‖W[l]‖²"] if self.l2 else []
        note = (f"J = {cross_entropy:.6f} + {penalty:.6f} = {cost:.6f}, λ = {self.l2:g}" if self.l2
                else f"J = {cost:.6f}")
        eqs = [Equation(Term("J", ()), ["−(1/m) Σ [", Term("Y", Y.shape), "log", Term(f"A[{L}]", AL.shape),
                                          "+ (1 − Y) log(1 −", Term(f"A[{L}]", AL.shape), ")]"] + l2_terms,
                        note)]
        result = StepResult(Step("cost", L), eqs, {f"A[{L}]": AL, "Y": Y}, {"J": np.array([[cost]])},
                            s.caches)
        return result, s._replace(cost=cost, dZ=dZ)

    def _backward(self, l, s: _State):
        cache = s.caches[l - 1]
        need_dA_prev = True  # shown to the student, though training skips dA[0]
        L = self.L
        if l == L:
            dA_prev, dW, db = linear_backward(s.dZ, cache, need_dA_prev, self.l2)
            grads = LayerGrads(dA_prev, s.dZ, dW, db)
            # dA[L] is shown so the pattern dZ = dA * g'(Z) is visible at every layer; what flows
            # on is dZ[L] = A[L] − Y, which is finite even where A[L] is exactly 0 or 1.
            dAL = output_dA(cache.A, self.Y)
            first = [Equation(Term(f"dA[{L}]", dAL.shape),
                              ["−(", Term("Y", self.Y.shape), "/", Term(f"A[{L}]", cache.A.shape),
                               "− (1 − Y) / (1 −", Term(f"A[{L}]", cache.A.shape), "))"],
                              "dℒ/dA[L] for each example: shown here; A − Y below is what flows on"),
                     Equation(Term(f"dZ[{L}]", s.dZ.shape),
                              [Term(f"dA[{L}]", dAL.shape), "*", "σ′(", Term(f"Z[{L}]", cache.Z.shape), ") =",
                               Term(f"A[{L}]", cache.A.shape), "−", Term("Y", self.Y.shape)],
                              "the sigmoid's g′ and the cost's derivative cancel to A − Y")]
            reads = {f"dA[{L}]": dAL, f"A[{L}]": cache.A, "Y": self.Y, f"A[{l - 1}]": cache.A_prev,
                     f"W[{l}]": cache.W}
        else:
            act = self.network.activations[l - 1]
            grads = layer_backward(s.dA, cache, act, need_dA_prev, self.l2)
            first = [Equation(Term(f"dZ[{l}]", grads.dZ.shape),
                              [Term(f"dA[{l}]", s.dA.shape), "*", f"{G_NAMES[act]}′(", Term(f"Z[{l}]", cache.Z.shape), ")"],
                              "* multiplies element by element")]
            reads = {f"dA[{l}]": s.dA, f"Z[{l}]": cache.Z, f"A[{l - 1}]": cache.A_prev, f"W[{l}]": cache.W}
        m = cache.A_prev.shape[1]
        eqs = first + [
               Equation(Term(f"dW[{l}]", grads.dW.shape),
                        ["(1/m)", Term(f"dZ[{l}]", grads.dZ.shape), "·", Term(f"A[{l - 1}]ᵀ", cache.A_prev.T.shape)]
                        + (["+ (λ/m)", Term(f"W[{l}]", cache.W.shape)] if self.l2 else []), f"m = {m}"),
               Equation(Term(f"db[{l}]", grads.db.shape), ["(1/m) Σ over columns of", Term(f"dZ[{l}]", grads.dZ.shape)]),
               Equation(Term(f"dA[{l - 1}]", grads.dA_prev.shape),
                        [Term(f"W[{l}]ᵀ", cache.W.T.shape), "·", Term(f"dZ[{l}]", grads.dZ.shape)],
                        "(training skips dA[0]: nothing uses it)" if l == 1 else "")]
        writes = {f"dZ[{l}]": grads.dZ, f"dW[{l}]": grads.dW, f"db[{l}]": grads.db, f"dA[{l - 1}]": grads.dA_prev}
        all_grads = s.grads[:l - 1] + (grads,) + s.grads[l:]
        caches = s.caches[:l - 1] + (None,) + s.caches[l:]  # consumed: the cache has done its work
        result = StepResult(Step("backward", l), eqs, reads, writes, caches)
        return result, s._replace(caches=caches, dA=grads.dA_prev, dZ=grads.dZ, grads=all_grads)

    def _update(self, _, s: _State):
        new = {k: np.empty_like(v) for k, v in s.parameters.items()}
        update_parameters(s.parameters, list(s.grads), self.learning_rate, out=new)
        a = f"{self.learning_rate:g}"
        eqs = []
        reads, writes = {}, {}
        for l in range(1, self.L + 1):
            W, b = s.parameters[f"W{l}"], s.parameters[f"b{l}"]
            eqs.append(Equation(Term(f"W[{l}]", W.shape), [Term(f"W[{l}]", W.shape), f"− {a} ·", Term(f"dW[{l}]", W.shape)]))
            eqs.append(Equation(Term(f"b[{l}]", b.shape), [Term(f"b[{l}]", b.shape), f"− {a} ·", Term(f"db[{l}]", b.shape)]))
            reads.update({f"W[{l}]": W, f"dW[{l}]": s.grads[l - 1].dW, f"b[{l}]": b, f"db[{l}]": s.grads[l - 1].db})
            writes.update({f"W[{l}]": new[f"W{l}"], f"b[{l}]": new[f"b{l}"]})
        result = StepResult(Step("update", 0), eqs, reads, writes, s.caches)
        return result, s._replace(parameters=new)


def _shape(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else ""
