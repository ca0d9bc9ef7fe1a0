"""Options of the composition commands: `sideman compose-eval`'s arguments (the model: agent/model/paths.py).

Torch-free on purpose (like `agent.training.options`): the CLI builds every subcommand's parser at
start. `agent.compose.cli` (infill, regenerate) and `agent.compose.evaluate` both read them here, so
the evaluation does not import the command line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from agent.model.paths import add_model_argument
from agent.settings import add_option

# LearnerSettings' named choices (checked there; here, as the command line's `choices`, without torch)
CRITICS = ("continuation", "prediction")  # LearnerSettings.critic
CHOOSERS = ("kept+generator", "kept", "margin")  # LearnerSettings.choose
MODES = ("likelihood", "representation")  # LearnerSettings.mode


def at_least(least: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `least` (a bad one is refused with its value)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        return value
    return parse


def add_compose_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `sideman compose-eval`."""
    add_model_argument(parser)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=None, help="parsed-corpus cache file")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkpoint to infill with beside --model (e.g. the generator before train-compose)")
    parser.add_argument("--report", type=Path, default=Path("reports/compose"))
    parser.add_argument("--cases", type=int, default=50, help="infill cases (one per held-out song)")
    parser.add_argument("--bars", type=int, default=4, help="bars per infilled region")
    parser.add_argument("--feedback-pieces", type=int, default=5)
    parser.add_argument("--tests-per-piece", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--feedback-bars", type=int, default=2, help="bars of the unsatisfying region")
    parser.add_argument("--gamma", type=float, default=0.1, help="satisfaction threshold of IC")
    parser.add_argument("--alpha", type=float, default=None, help="feedback margin, nats per token (default 0.1)")
    parser.add_argument("--learn-steps", type=int, default=None, help="Adam steps per round (default 60)")
    parser.add_argument("--learn-mode", choices=MODES, default=None,
                        help="what the feedback margin compares (default: the learner's)")
    parser.add_argument("--learn-lr", type=float, default=None, help="the feedback learner's Adam step size")
    parser.add_argument("--candidates", type=at_least(1), default=None, help="drafts per marked region with feedback (default: the learner's, 8)")
    parser.add_argument("--kept-drafts", type=at_least(0), default=None,
                        help="JEP-AGA, with feedback: of the candidates, this many conditioned on the kept material "
                             "heard in the marked place (default: the learner's, 4 of 8)")
    parser.add_argument("--kept-trust", type=float, default=None,
                        help="... the strength the generator reads that at (default: the learner's, 3)")
    parser.add_argument("--moved-gain", type=float, default=None,
                        help="JEP-AGA learner: how much of its change of the prediction the generator reads (default 1)")
    parser.add_argument("--ablations", action="store_true",
                        help="also run the learner with one draft (learning only) and with draft choice only (no learning)")
    parser.add_argument("--oracle", action="store_true",
                        help="also infill conditioned on the target encoder's representation of the real region "
                             "(a diagnostic: the ceiling of a better predictor; needs JEP-AGA's encoders)")
    parser.add_argument("--drafts", type=at_least(1), default=None,
                        help="drafts per region without feedback, the one the critic prefers kept (--critic; the "
                             "infill figures get rows of their own; default: the learner's, 4)")
    parser.add_argument("--reprises", type=at_least(0), default=None, metavar="N",
                        help="the region's reprises offered to a fill's critic beside the drafts (default: the "
                             "learner's, 2; 0: none)")
    parser.add_argument("--draft-notes", type=int, default=None, metavar="N",
                        help="notes per 4 bars the drafts of a fill may write together (a dense part gets "
                             "fewer drafts; 0: no limit; default: the learner's, 120)")
    parser.add_argument("--critic", choices=CRITICS, default=None,
                        help="how a fill chooses among its drafts and reprises: the generator's surprise at the "
                             "track's next notes (continuation, the default) or JEP-AGA's prediction")
    parser.add_argument("--choose", choices=CHOOSERS,
                        default=None, help="JEP-AGA, with feedback: how a regeneration chooses among its candidates "
                                           "(LearnerSettings.choose; default kept+generator)")
    parser.add_argument("--skip-quality", action="store_true", help="run the feedback evaluation only")
    add_option(parser, "seed", default=1)  # default, range and help of each: agent/settings.py
    for name in ("temperature", "top_p", "guidance"):
        add_option(parser, name)
    parser.add_argument("--threads", type=int, default=1)


def add_train_compose_arguments(parser: argparse.ArgumentParser) -> None:
    """`sideman train-compose` (agent.compose.stage); defaults are StageSettings' and JepaConfig's."""
    parser.add_argument("--init", type=Path, required=True, help="the trained generator to start from")
    parser.add_argument("--init-encoders", type=Path, default=None,
                        help="start the encoders from this compose checkpoint's (the generator from --init)")
    parser.add_argument("--data", type=Path, required=True, help="folder with pop909/ and/or nottingham/")
    parser.add_argument("--cache", type=Path, default=None, help="parsed-corpus cache file")
    parser.add_argument("--out", type=Path, default=Path("runs/compose"), help="run directory (resumes)")
    parser.add_argument("--steps", type=int, default=600, help="generator steps (phase 2)")
    parser.add_argument("--encoder-steps", type=int, default=800, help="encoder steps (phase 1)")
    parser.add_argument("--encoder-batch", type=int, default=16, help="regions per encoder step")
    parser.add_argument("--readout-steps", type=int, default=300,
                        help="steps fitting the conditioning's output slice on cached hidden states (phase 2; 0: none)")
    parser.add_argument("--lr-cond", type=float, default=0.0,
                        help="Adam rate of the conditioning projection in phase 3 (0: as phase 2 fitted it)")
    parser.add_argument("--cond-layers", type=int, default=0, help="blocks whose input takes the conditioning")
    parser.add_argument("--cond-out", action=argparse.BooleanOptionalAction, default=True,
                        help="the final hidden state takes the conditioning")
    parser.add_argument("--until", type=int, default=None, help="stop at this generator step (resume later)")
    parser.add_argument("--minutes", type=float, default=None, help="stop after this many minutes")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--eval-cases", type=int, default=48)
    parser.add_argument("--limit", type=int, default=None, help="load at most this many songs")
    parser.add_argument("--eval-only", action="store_true",
                        help="evaluate the run's state on --eval-cases held-out regions (paired 95%% intervals), no training")
    parser.add_argument("--width", type=int, default=128, help="encoder width")
    parser.add_argument("--frames", type=int, default=96, help="beats the encoders read around a region")
    parser.add_argument("--past-beats", type=int, default=32, help="of them before the region")
    parser.add_argument("--threads", type=int, default=1)
