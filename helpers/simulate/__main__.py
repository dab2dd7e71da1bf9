"""Command line: ``python -m helpers.simulate --seed 17 --out my_data``."""

from __future__ import annotations

import argparse
import sys

from helpers.simulate import write_datasets


def main(argv: list[str] | None = None) -> int:
    """Generate a course dataset into a folder; print what was written."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.simulate",
        description="Generate the course's datasets (same seed -> byte-identical files).",
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument("--out", required=True, help="folder to write (empty, new, or a "
                        "previous output of this command)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size relative to the bundled data (default 1.0)")
    args = parser.parse_args(argv)
    try:
        written = write_datasets(args.out, seed=args.seed, scale=args.scale)
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, path in written.items():
        print(f"{name:18s} {path}  ({path.stat().st_size / 1024:,.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
