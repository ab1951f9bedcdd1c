"""What the import commands share: read the file, run the import, report the comparison."""

from pathlib import Path

from django.core.management.base import CommandError

from standorte.importers import ImportRejected


def add_common_arguments(parser) -> None:
    parser.add_argument("path", type=Path)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and show what would change (new, changed, unchanged); write nothing",
    )


def run_import(command, importer, *, path: Path, dry_run: bool, **options) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}")
    try:
        result = importer(actor=None, data=data, filename=path.name, dry_run=dry_run, **options)
    except ImportRejected as exc:
        for problem in exc.problems:
            command.stderr.write(str(problem))
        raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported.")
    for change in result.changes:
        details = f": {'; '.join(change.details)}" if change.details else ""
        command.stdout.write(f"line {change.line} {change.status} {change.label}{details}")
    summary = f"{result.new} new, {result.changed} changed, {result.unchanged} unchanged"
    if dry_run:
        command.stdout.write(f"Dry run: {summary}; nothing was written.")
    else:
        command.stdout.write(command.style.SUCCESS(f"Imported: {summary}."))
