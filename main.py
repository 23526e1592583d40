#!/usr/bin/env python3
"""DeepStep: see how a deep neural network learns.

    python main.py                      open the app
    python main.py --screenshot FILE    render the window in its default state to a PNG and exit
    python main.py train [options]      train without a window (see: python main.py train --help)
"""
from __future__ import annotations

import argparse
import sys

from core.cli import OneLineParser, build_parser, run_train


def make_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="main.py",
        description="DeepStep: draw a network layer by layer, step through forward and backward "
                    "propagation, and watch it learn. With no arguments it opens the app.",
        epilog="Headless training: python main.py train --help lists every option.")
    parser.add_argument("--screenshot", metavar="FILE",
                        help="build the window offscreen in its default state, save it as a PNG and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    build_parser(commands.add_parser("train", help="train without a window and print the cost"))
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["train"]:
        # Parsed on its own, so its errors and help name "main.py train".
        return run_train(argv[1:])
    args = make_parser().parse_args(argv)
    from gui.app import run_app  # Qt is imported only when a window is wanted
    return run_app(screenshot=args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
